// Runs the planning step of Kafka's own `kafka-reassign-partitions --generate` on an assignment
// read from stdin, without a cluster. --generate reads the topics' current assignment
// (describeTopics) and the brokers (describeCluster), then calls the private static
// ReassignPartitionsCommand.calculateAssignment(currentAssignment, brokers): that call is what
// decides the proposal, so calling it (by reflection) on the same input is the tool's answer.
//
// stdin lines:  "broker <id> <rack or ->"  and  "partition <topic> <partition> <r1,r2,...>"
// stdout lines: "<topic> <partition> <r1,r2,...>" (the proposed assignment), then "ms <planning time>"
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.metadata.placement.UsableBroker;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;

public class KafkaGenerate {
  public static void main(String[] args) throws Exception {
    Map<TopicPartition, List<Integer>> current = new HashMap<>();
    List<UsableBroker> brokers = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.trim().split(" ");
      if (f[0].equals("broker")) {
        brokers.add(new UsableBroker(Integer.parseInt(f[1]), f[2].equals("-") ? Optional.empty() : Optional.of(f[2]), false));
      } else if (f[0].equals("partition")) {
        List<Integer> replicas = new ArrayList<>();
        for (String r : f[3].split(",")) replicas.add(Integer.parseInt(r));
        current.put(new TopicPartition(f[1], Integer.parseInt(f[2])), replicas);
      }
    }
    Method calculate = ReassignPartitionsCommand.class.getDeclaredMethod("calculateAssignment", Map.class, List.class);
    calculate.setAccessible(true);
    long t0 = System.nanoTime();
    @SuppressWarnings("unchecked")
    Map<TopicPartition, List<Integer>> proposed = (Map<TopicPartition, List<Integer>>) calculate.invoke(null, current, brokers);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    StringBuilder out = new StringBuilder();
    for (Map.Entry<TopicPartition, List<Integer>> e : proposed.entrySet()) {
      out.append(e.getKey().topic()).append(' ').append(e.getKey().partition()).append(' ');
      List<Integer> rs = e.getValue();
      for (int i = 0; i < rs.size(); i++) out.append(i == 0 ? "" : ",").append(rs.get(i));
      out.append('\n');
    }
    out.append("ms ").append(ms).append('\n');
    System.out.print(out);
  }
}
