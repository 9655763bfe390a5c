import { z } from 'zod';

// Twilio sends every parameter as a form field (strings); numbers and booleans are coerced here.
// Parameters Passline does not implement are accepted and dropped (objects strip unknown keys).

const codeLength = z.coerce.number().int().min(4, 'must be 4 to 10').max(10, 'must be 4 to 10');
const friendlyName = z.string().trim().min(1, 'is required').max(30, 'is at most 30 characters');

export const serviceParams = z.object({ ServiceSid: z.string() });
export const verificationParams = z.object({ ServiceSid: z.string(), Sid: z.string().min(1).max(64) });

export const createServiceBody = z.object({ FriendlyName: friendlyName, CodeLength: codeLength.optional() });
export const updateServiceBody = z.object({ FriendlyName: friendlyName.optional(), CodeLength: codeLength.optional() });

export const listQuery = z.object({
  PageSize: z.coerce.number().int().min(1).max(1000).default(50),
  Page: z.coerce.number().int().min(0).max(1_000_000).default(0),
  PageToken: z.string().optional(),
});

export const createVerificationBody = z.object({
  To: z.string().min(1, 'is required').max(64),
  Channel: z.string().min(1, 'is required').max(16),
  Locale: z.string().min(2).max(35).optional(),
  DeviceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
  CustomCode: z.string().optional(),
  // Accepted and ignored: see docs/twilio-verify.md.
  CustomFriendlyName: z.string().max(30).optional(),
  CustomMessage: z.string().optional(),
  RateLimits: z.string().optional(),
  Amount: z.string().optional(),
  Payee: z.string().optional(),
  AppHash: z.string().optional(),
  TemplateSid: z.string().optional(),
  Tags: z.string().optional(),
});

export const updateVerificationBody = z.object({
  Status: z.enum(['canceled', 'approved'], 'must be canceled or approved'),
});

export const verificationCheckBody = z.object({
  Code: z.string().regex(/^\d{4,10}$/, 'must be 4 to 10 digits'),
  To: z.string().min(1).max(64).optional(),
  VerificationSid: z.string().min(1).max(64).optional(),
  Amount: z.string().optional(),
  Payee: z.string().optional(),
});
