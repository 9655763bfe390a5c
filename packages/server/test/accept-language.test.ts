import { describe, expect, it } from 'vitest';
import { preferredLocale } from '../src/accounts/routes/accept-language.ts';

describe('preferredLocale (Accept-Language)', () => {
  it('takes the first language, canonical', () => {
    expect(preferredLocale('pt-BR,pt;q=0.9')).toBe('pt-BR');
    expect(preferredLocale('zh-cn')).toBe('zh-CN');
    expect(preferredLocale('  en-gb ; q=1 , en;q=0.5')).toBe('en-GB');
  });

  it('ranks by q-value, the header order breaking ties', () => {
    expect(preferredLocale('fr;q=0.5, pt-PT;q=0.8, de;q=0.8')).toBe('pt-PT');
    expect(preferredLocale('de;q=0.7,en;q=1.0')).toBe('en');
    expect(preferredLocale('de;q=0.7,en')).toBe('en');
  });

  it('skips *, q=0, malformed q-values and tags that are not BCP 47', () => {
    expect(preferredLocale('*, pt;q=0.1')).toBe('pt');
    expect(preferredLocale('en;q=0, pt;q=0.2')).toBe('pt');
    expect(preferredLocale('en;q=2, pt;q=0.2')).toBe('pt');
    expect(preferredLocale('en;q=high, pt;q=0.2')).toBe('pt');
    expect(preferredLocale('en;q=0.1234, pt;q=0.2')).toBe('pt');
    expect(preferredLocale('pt_BR, es;q=0.3')).toBe('es');
  });

  it('gives nothing when no entry names a language', () => {
    expect(preferredLocale(undefined)).toBeUndefined();
    expect(preferredLocale('')).toBeUndefined();
    expect(preferredLocale('*')).toBeUndefined();
    expect(preferredLocale('en;q=0,;,,')).toBeUndefined();
  });
});
