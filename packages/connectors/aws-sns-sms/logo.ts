// A plain orange tile with two letters: Passline's own drawing, not Amazon's trademark artwork.
const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#d4561c"/><text x="32" y="42" font-family="Helvetica,Arial,sans-serif" font-size="26" font-weight="700" text-anchor="middle" fill="#ffffff">SN</text></svg>';

export const logo = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
