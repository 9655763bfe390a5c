/**
 * Passline's icon for browser tabs (the console and the hosted sign-in pages): a check mark on the
 * console's accent colour. Inline, so the single-file server build needs no asset beside it.
 */
export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#4338ca"/>
<path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
