/**
 * ElectLeaders (Kafka API key 43, version 2) on @platformatic/kafka's connection layer.
 *
 * Why this file exists: no maintained JavaScript client here has ElectLeaders (kafkajs lists it
 * as not implemented; @platformatic/kafka 2.12 has no admin method for it). Everything but the
 * request and response bodies is the library's: connection, SASL, TLS, framing, the flexible
 * request header, correlation. The bodies below are Kafka's ElectLeadersRequest/Response v2
 * schemas, written with the library's own Writer and Reader the way it defines every API
 * (apis/admin/*.js). Replace this with the client's method once it ships one.
 *
 * Version 2 is the first flexible version (compact strings and arrays, tagged fields), supported
 * by every broker since Kafka 2.4 (KIP-460).
 */
import { createAPI, protocolErrorsCodesById, Writer, type Reader } from "@platformatic/kafka";

/** Kafka's ElectionType: 0 PREFERRED, 1 UNCLEAN. Only PREFERRED is ever sent from here. */
export const PREFERRED = 0;

export interface ElectLeadersTopic {
  topic: string;
  partitions: number[];
}

export interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** Top-level error (e.g. CLUSTER_AUTHORIZATION_FAILED); 0 when per-partition results follow. */
  errorCode: number;
  results: { topic: string; partitions: ElectLeadersPartitionResult[] }[];
}

/*
  ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
    election_type => INT8
    topic_partitions => topic [partitions] TAG_BUFFER
      topic => COMPACT_STRING
      partitions => INT32
    timeout_ms => INT32
*/
export function createRequest(electionType: number, topics: readonly ElectLeadersTopic[], timeoutMs: number): Writer {
  return Writer.create()
    .appendInt8(electionType)
    .appendArray([...topics], (w, t) => {
      w.appendString(t.topic).appendArray(t.partitions, (w2, p) => w2.appendInt32(p), true, false);
    })
    .appendInt32(timeoutMs)
    .appendTaggedFields();
}

/*
  ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
    throttle_time_ms => INT32
    error_code => INT16
    replica_election_results => topic [partition_result] TAG_BUFFER
      topic => COMPACT_STRING
      partition_result => partition_id error_code error_message TAG_BUFFER
        partition_id => INT32
        error_code => INT16
        error_message => COMPACT_NULLABLE_STRING
*/
export function parseResponse(_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): ElectLeadersResponse {
  const response: ElectLeadersResponse = {
    throttleTimeMs: reader.readInt32(),
    errorCode: reader.readInt16(),
    results: reader.readArray((r) => ({
      topic: r.readString(),
      partitions: r.readArray((p) => ({ partitionId: p.readInt32(), errorCode: p.readInt16(), errorMessage: p.readNullableString() })),
    })),
  };
  reader.readTaggedFields();
  return response;
}

export const electLeadersV2 = createAPI<[electionType: number, topics: readonly ElectLeadersTopic[], timeoutMs: number], ElectLeadersResponse>(43, 2, createRequest, parseResponse);

/** "ELECTION_NOT_NEEDED" for 84: the protocol's name of an error code. */
export function errorName(code: number): string {
  return protocolErrorsCodesById[code] ?? `error ${code}`;
}
