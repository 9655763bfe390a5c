// A dark tile with an arrow into a bracketed endpoint: Passline's own drawing for "POST to your URL".
const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#334155"/><path d="M12 32h24m-8-8l8 8-8 8" stroke="#f8fafc" stroke-width="5" stroke-linecap="round" stroke-linejoin="round" fill="none"/><path d="M44 18h8v28h-8" stroke="#38bdf8" stroke-width="5" stroke-linecap="round" stroke-linejoin="round" fill="none"/></svg>';

export const logo = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
