/**
 * The e-mail sender: nodemailer over SMTP. Plain text only (templates are plain text), one
 * recipient per message, one connection per message (no pool), short timeouts: a failing send
 * rejects quickly and the caller (Notifier, or the BullMQ e-mail worker) retries with backoff.
 *
 * Configuration is the caller's: pass the SMTP URL (`smtp://host:port`, `smtps://user:pass@host`;
 * nodemailer URL query options such as `?ignoreTLS=true` work) and the sender address. Without
 * `smtpUrl` the mailer is a dry run: messages are built but go nowhere (`dryRun: true`).
 */
import nodemailer from 'nodemailer';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Optional stable Message-ID (`<id@host>`), e.g. derived from the notification id. */
  messageId?: string;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  /** True when no SMTP server is configured: `send` builds the message and drops it. */
  readonly dryRun: boolean;
  /** Sends one message; rejects on any transport or SMTP error (see `isPermanentMailError`). */
  send(message: MailMessage): Promise<SendResult>;
  /** Checks that the SMTP server answers and accepts our settings. */
  verify(): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://127.0.0.1:2525`; absent → dry run. */
  smtpUrl?: string;
  /** Sender, e.g. `"KIM Herne <kim@herne.de>"`. */
  from: string;
  /** ms to wait for the TCP connection (default 10 s). */
  connectionTimeout?: number;
  /** ms to wait for the server greeting (default 10 s). */
  greetingTimeout?: number;
  /** ms of socket inactivity (default 30 s). */
  socketTimeout?: number;
  /** TLS options, e.g. `{ rejectUnauthorized: false }` for a test relay with a self-signed cert. */
  tls?: TlsOptions;
}

function addressText(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { address?: unknown }).address === 'string') return (a as { address: string }).address;
  return String(a);
}

export function createMailer(options: MailerOptions): Mailer {
  if (!options.from) throw new Error('createMailer: from is required');
  const dryRun = !options.smtpUrl;
  const transport = dryRun
    ? nodemailer.createTransport({ jsonTransport: true })
    : nodemailer.createTransport({
        url: options.smtpUrl,
        connectionTimeout: options.connectionTimeout ?? 10_000,
        greetingTimeout: options.greetingTimeout ?? 10_000,
        socketTimeout: options.socketTimeout ?? 30_000,
        ...(options.tls ? { tls: options.tls } : {}),
      });

  return {
    dryRun,
    async send(message: MailMessage): Promise<SendResult> {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.messageId ? { messageId: message.messageId } : {}),
      });
      const i = info as { messageId?: string; accepted?: unknown[]; rejected?: unknown[] };
      return {
        messageId: i.messageId ?? '',
        accepted: (i.accepted ?? [message.to]).map(addressText),
        rejected: (i.rejected ?? []).map(addressText),
      };
    },
    async verify(): Promise<void> {
      if (dryRun) return;
      await transport.verify();
    },
    close(): void {
      transport.close();
    },
  };
}

/**
 * True for errors that a retry will not fix: an SMTP 5xx reply (mailbox unknown, message
 * refused, authentication failed). Timeouts, connection errors and 4xx replies are transient.
 */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** A one-line description of a send error (the SMTP reply when there is one). */
export function mailErrorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; response?: unknown; code?: unknown };
    const msg = typeof e.message === 'string' ? e.message : String(err);
    const response = typeof e.response === 'string' && !msg.includes(e.response) ? ` (${e.response})` : '';
    const code = typeof e.code === 'string' ? `${e.code}: ` : '';
    return `${code}${msg}${response}`.replace(/[\r\n]+/g, ' ').slice(0, 1000);
  }
  return String(err).slice(0, 1000);
}
