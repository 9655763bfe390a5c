const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#334155"/><path d="M14 20h36v22H28l-8 7v-7h-6z" fill="#f8fafc"/><text x="32" y="36" font-family="monospace" font-size="11" text-anchor="middle" fill="#334155">DEV</text></svg>';

export const logo = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
