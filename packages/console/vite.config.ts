import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The server serves the build under /console; `npm run dev -w @passline/console` proxies the API
// to a server started with `npm start` on port 3000.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  // Workspace packages (@passline/contracts) export their TypeScript sources under this condition.
  resolve: { conditions: ['passline-source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
