// An original tile (not Tencent's artwork): a blue square with a speech bubble and the initial.
const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1d6fe0"/><path d="M12 16h40v26H30l-9 8v-8h-9z" fill="#ffffff"/><text x="32" y="36" font-family="sans-serif" font-size="18" font-weight="700" text-anchor="middle" fill="#1d6fe0">T</text></svg>';

export const logo = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
