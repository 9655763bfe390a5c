import Fastify from 'fastify';

// The ceiling: the same framework and machine, with no auth, validation or storage.
const app = Fastify();
app.get('/json', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
