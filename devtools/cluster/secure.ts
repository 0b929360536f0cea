// A real single-node Kafka that requires authentication, for the TLS and SASL tests: on top of
// a PLAINTEXT listener (inter-broker, and the one the test uses to set things up), a SASL_SSL
// listener taking SCRAM-SHA-512 and PLAIN, and a SASL_PLAINTEXT listener taking PLAIN.
//
// The certificates are made at start with openssl into the run directory: a throwaway CA, and a
// broker certificate for 127.0.0.1 (subjectAltName IP and DNS localhost) signed by it, handed to
// Kafka as a PEM keystore (KIP-651); clients trust the CA file (`caFile`). PLAIN users are in the
// listeners' JAAS config; the SCRAM-SHA-512 user is created through the broker afterwards, with
// Kafka's own ConfigCommand (AlterUserScramCredentials), as an operator would.
//
//   ports: basePort PLAINTEXT, +1 SASL_SSL, +2 SASL_PLAINTEXT, +3 the controller
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKafka, kafkaVersion, startKafka, type RunningKafka } from './kafka.ts';
import { log } from './util.ts';

export interface Credentials {
  user: string;
  password: string;
}

export interface SecureKafkaOptions {
  basePort: number;
  /** Accepted by PLAIN on both SASL listeners. */
  plain: Credentials;
  /** Created as a SCRAM-SHA-512 user once the broker runs. */
  scram: Credentials;
  version?: string;
}

export interface SecureKafka extends RunningKafka {
  /** host:port of each listener. */
  plaintext: string;
  saslSsl: string;
  saslPlaintext: string;
  /** The CA that signed the broker's certificate (PEM). */
  caFile: string;
}

export async function startSecureKafka(o: SecureKafkaOptions): Promise<SecureKafka> {
  const version = o.version ?? kafkaVersion();
  const [plain, saslSsl, saslPlain, controller] = [0, 1, 2, 3].map((i) => o.basePort + i) as [number, number, number, number];
  let caFile = '';
  const jaasPlain = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${o.plain.user}="${o.plain.password}";`;
  const kafka = await startKafka({
    version,
    port: plain,
    controllerPort: controller,
    extraPorts: [saslSsl, saslPlain],
    prepare: (runDir) => {
      const tls = makeCertificates(join(runDir, 'tls'));
      caFile = tls.ca;
      return [
        `listeners=PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${saslSsl},SASL_PLAINTEXT://127.0.0.1:${saslPlain},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${saslSsl},SASL_PLAINTEXT://127.0.0.1:${saslPlain}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512',
        'listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaasPlain}`,
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN',
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaasPlain}`,
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${tls.keystore}`,
        'ssl.client.auth=none',
      ];
    },
  });
  const { libs } = await ensureKafka(version);
  const t0 = Date.now();
  execFileSync(
    'java',
    ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', `${libs}/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', kafka.bootstrap, '--alter', '--add-config', `SCRAM-SHA-512=[iterations=4096,password=${o.scram.password}]`, '--entity-type', 'users', '--entity-name', o.scram.user],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  log(`secure Kafka: SCRAM-SHA-512 user ${o.scram.user} created through the broker in ${((Date.now() - t0) / 1000).toFixed(1)}s; SASL_SSL on 127.0.0.1:${saslSsl}, SASL_PLAINTEXT on 127.0.0.1:${saslPlain}`);
  return { ...kafka, plaintext: kafka.bootstrap, saslSsl: `127.0.0.1:${saslSsl}`, saslPlaintext: `127.0.0.1:${saslPlain}`, caFile };
}

/** A CA and a broker certificate for 127.0.0.1 signed by it; the broker's key and chain in one PEM keystore. */
function makeCertificates(dir: string): { ca: string; keystore: string } {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=kafka-ops test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('broker.key'), '-out', f('broker.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('broker.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('broker.crt'), '-days', '2', '-extfile', f('san.ext'));
  // Kafka's PEM keystore: the private key (PKCS#8, unencrypted: no ssl.key.password) and the chain.
  const keystore = f('broker-keystore.pem');
  writeFileSync(keystore, [readFileSync(f('broker.key'), 'utf8'), readFileSync(f('broker.crt'), 'utf8'), readFileSync(f('ca.pem'), 'utf8')].join(''));
  return { ca: f('ca.pem'), keystore };
}
