import { EngineHost } from '../../core/index.ts';
import { engineApiContract } from './engine-api.contract.ts';

engineApiContract('in process (EngineHost)', async (db) => {
  const host = await EngineHost.open({ db });
  return { api: host, close: () => host.close() };
});
