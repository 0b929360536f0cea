// A real group member for the KIP-848 integration test (test/live/kip848.int.test.ts), run from
// source with Kafka's own jars: java -cp '<libs>/*' GroupMember.java MODE BOOTSTRAP GROUP TOPIC CLIENT_ID SLEEP_MS
//
//   MODE consumer: KafkaConsumer with group.protocol=consumer (KIP-848), sleeping SLEEP_MS per
//                  record (a slow processing loop), committing after each poll.
//   MODE share:    KafkaShareConsumer (KIP-932), acknowledging each record.
//
// Prints "assigned <partitions>" when the coordinator hands it partitions and "polled <n>" after
// each non-empty poll; exits cleanly on SIGTERM (leaves the group, commits what it processed).
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

public class GroupMember {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Properties p = new Properties();
    p.put("bootstrap.servers", args[1]);
    p.put("group.id", args[2]);
    p.put("client.id", args[4]);
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    String topic = args[3];
    long sleepMs = Long.parseLong(args[5]);
    CountDownLatch closed = new CountDownLatch(1);
    if (mode.equals("share")) {
      KafkaShareConsumer<byte[], byte[]> c = new KafkaShareConsumer<>(p);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> { c.wakeup(); await(closed); }));
      try (c) {
        c.subscribe(List.of(topic));
        while (true) {
          ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
          for (ConsumerRecord<byte[], byte[]> r : records) Thread.sleep(sleepMs);
          if (!records.isEmpty()) System.out.println("polled " + records.count());
          c.commitSync();
        }
      } catch (WakeupException e) {
        // SIGTERM
      } finally {
        closed.countDown();
      }
      return;
    }
    p.put("group.protocol", "consumer");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "20");
    // Small fetches per partition: each poll then holds records of every owned partition, so a
    // slow member advances all of them a little (one large buffered fetch would leave the others
    // frozen until it is drained: a stall, not slowness).
    p.put("max.partition.fetch.bytes", "1024");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> { c.wakeup(); await(closed); }));
    try (c) {
      c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        public void onPartitionsRevoked(Collection<TopicPartition> ps) {}
        public void onPartitionsAssigned(Collection<TopicPartition> ps) {
          if (!ps.isEmpty()) System.out.println("assigned " + ps);
        }
      });
      while (true) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) Thread.sleep(sleepMs);
        if (!records.isEmpty()) {
          c.commitSync();
          System.out.println("polled " + records.count());
        }
      }
    } catch (WakeupException e) {
      // SIGTERM
    } finally {
      closed.countDown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
