import { describe, expect, it } from 'vitest';
import { RealClock, startServer } from '../../core/index.ts';
import { createEngineClient, isRunChanged, type EngineEvent } from '../../core/host/api/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';
import { engineApiContract, waitFor } from './engine-api.contract.ts';
import { NodeWsTransport } from './node-ws-transport.ts';

async function connect(db: string) {
  const server = await startServer({ db });
  const transport = new NodeWsTransport(server.wsUrl, 20);
  const client = createEngineClient(transport, { timer: new RealClock(), timeoutMs: 10_000 });
  await transport.opened();
  return { server, transport, client };
}

engineApiContract('WebSocket (startServer + createEngineClient)', async (db) => {
  const { server, transport, client } = await connect(db);
  return {
    api: client,
    drop: () => transport.drop(),
    close: async () => {
      client.close();
      await server.close();
    },
  };
});

describe('WebSocket client', () => {
  it('learns the API version from the hello frame', async () => {
    const { server, client } = await connect(tempDbPath());
    try {
      await waitFor(() => client.serverApiVersion !== null, 'hello');
      expect(client.serverApiVersion).toBe((await client.call('info')).apiVersion);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('resumes a subscription from its last seq after the connection drops', async () => {
    const { server, transport, client } = await connect(tempDbPath());
    try {
      await client.call('loadScenario', { name: 'retries-with-backoff' });
      const events: EngineEvent[] = [];
      const stop = client.subscribe(0, (e) => events.push(e));
      for (let i = 0; i < 3; i++) await client.call('clock.step');
      const mid = (await client.call('info')).lastSeq;
      await waitFor(() => events.at(-1)?.seq === mid, 'the first events');
      transport.drop();
      await waitFor(() => transport.status === 'connecting', 'the drop');
      await transport.opened();
      expect(transport.opens).toBe(2);
      const end = await client.call('clock.runUntil', { idle: true });
      await waitFor(() => events.at(-1)?.seq === end.seq, 'the events after the reconnect');
      expect(events.filter((e) => !isRunChanged(e)).map((e) => e.seq)).toEqual(
        Array.from({ length: end.seq }, (_, i) => i + 1),
      );
      stop();
    } finally {
      client.close();
      await server.close();
    }
  });

  it('rejects calls made on a closed client with DISCONNECTED', async () => {
    const { server, client } = await connect(tempDbPath());
    client.close();
    await expect(client.call('info')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await server.close();
  });
});
