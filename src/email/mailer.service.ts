import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

// nodemailer waits minutes by default; a request that sends mail should fail fast instead.
// Options in SMTP_URL's query string (e.g. ?requireTLS=true) still win over these.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends email over SMTP_URL; without it, writes each message to the log (development, tests). */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.transport = config.smtpUrl
      ? createTransport({ ...SMTP_TIMEOUTS, url: config.smtpUrl }, { from: config.emailFrom })
      : undefined;
  }

  async send(message: EmailMessage): Promise<void> {
    if (!this.transport) {
      this.logger.log({ to: message.to, subject: message.subject, text: message.text }, 'Email not sent (SMTP_URL is not set), logged instead');
      return;
    }
    await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
