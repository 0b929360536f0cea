/**
 * Which topics are dead-letter queues: the one home of the naming convention. Kafka Connect
 * (`errors.deadletterqueue.topic.name`, commonly `<connector>.DLQ` or `dlq-<connector>`) and
 * Spring Kafka (`<topic>.DLT`, `<topic>-dlt`) have no reserved name, so a DLQ is recognised by a
 * word in its name: `dlq`, `dlt` or `dead-letter`, between separators (`.`, `_`, `-`) or at an
 * end. `dlqPattern` in the settings file replaces it for estates that name DLQs otherwise.
 */

/** The default, case-insensitive: matches orders.DLQ, dlq-payments, payments.DLT, x_dead_letter, not "headlq". */
export const DLQ_TOPIC_PATTERN = "(^|[._-])(dlq|dlt|dead[._-]?letter)([._-]|$)";

/** A test for DLQ topic names under `pattern` (a regular expression source, case-insensitive). */
export function dlqTopicMatcher(pattern: string = DLQ_TOPIC_PATTERN): (topic: string) => boolean {
  const re = new RegExp(pattern, "i");
  return (topic) => re.test(topic);
}

/** The default convention, for code that has no settings (the agents over a recorded incident). */
export const isDlqTopic = dlqTopicMatcher();
