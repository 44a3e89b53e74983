import { rejectBatch, retryLater, written, type Item, type PluginContext, type WriteContext, type WriteResult } from '@vigil/core';
import { authMethodOf, connectionOptions } from './connection-options.js';
import { CorePublisher, type Publisher } from './core-publisher.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { messageSize, natsMessages } from './nats-messages.js';
import type { NatsOutputOptions } from './options.js';
import { ServerConnection } from './server-connection.js';
import { StreamSetup } from './stream-setup.js';
import { SubjectTemplate } from './subject-template.js';

/** outputs.nats: builds the messages of a batch and hands them to the publisher of its mode. */
export class NatsOutput {
  private readonly subject: SubjectTemplate;
  private readonly connection: ServerConnection;
  private readonly publisher: Publisher;

  constructor(private readonly ctx: PluginContext<NatsOutputOptions>) {
    const o = ctx.options;
    this.subject = SubjectTemplate.parse(o.subject);
    const shownServers = o.servers.join(', ');
    // Each new connection runs the publisher's setup (the stream, for JetStream) before use.
    this.connection = new ServerConnection(connectionOptions(o, `vigil@${ctx.agent.hostname}`), shownServers, authMethodOf(o), ctx.log, (nc) => this.publisher.onOpen(nc));
    this.publisher = o.jetstream
      ? new JetStreamPublisher(o.jetstream, new StreamSetup(o.jetstream, this.subject.pattern, ctx.log), ctx.log, shownServers)
      : new CorePublisher(this.connection);
  }

  async connect(): Promise<void> {
    await this.connection.open();
  }

  async write(batch: Item[], context: WriteContext): Promise<WriteResult> {
    const o = this.ctx.options;
    const messages = natsMessages(batch, context, this.subject, o.data_format, o.use_batch_format);
    if (messages.length === 0) return written();
    const usable = await this.connection.usable(context.signal);
    if ('reason' in usable) return retryLater(this.ctx.agent.redact(usable.reason));
    const maxPayload = usable.nc.info?.max_payload ?? Infinity;
    const tooLarge = messages.find((m) => messageSize(m, this.publisher.headersOf(m)) > maxPayload);
    if (tooLarge) {
      const size = messageSize(tooLarge, this.publisher.headersOf(tooLarge));
      const hint = o.use_batch_format ? 'lower metric_batch_size, or raise max_payload on the server' : 'raise max_payload on the server to take such items';
      return rejectBatch(`a message of ${size} bytes on "${tooLarge.subject}" is larger than the server's max_payload (${maxPayload} bytes): ${hint}`);
    }
    const result = await this.publisher.publish(usable.nc, messages, usable.lost, context.signal);
    return result.outcome === 'written' ? result : { ...result, reason: this.ctx.agent.redact(result.reason) };
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
