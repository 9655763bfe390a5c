import type { FastifyInstance } from 'fastify';

/** Types for app.mjs, so that TypeScript (the repository's test) can import the plain-JavaScript example. */
export interface ExampleAppOptions {
  /** Passline's issuer: its PASSLINE_PUBLIC_URL, e.g. https://id.example.com. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this app is reached; `${appUrl}/callback` and `${appUrl}/` are registered in Passline. */
  appUrl: string;
  /** Fastify's logger option. */
  logger?: boolean;
}

export declare function buildApp(options: ExampleAppOptions): Promise<FastifyInstance>;
