// Usage names, template variables, the template text rule and the secret mask. Connectors need
// them too, and the connector kit is published for connectors written in plain JavaScript, so the
// kit defines them (in a module with no imports) and this package passes them on to the browser.
export * from '@passline/connector-kit/vocabulary';
