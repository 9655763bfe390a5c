// An original tile (orange, the initial "A" and a speech bubble), not Alibaba Cloud's artwork.
const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#ff6a00"/><path d="M12 16h40v26H30l-9 8v-8h-9z" fill="#fff7ed"/><text x="32" y="37" font-family="sans-serif" font-size="18" font-weight="700" text-anchor="middle" fill="#ff6a00">A</text></svg>';

export const logo = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
