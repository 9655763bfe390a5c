export { adaptLogtoConnector } from './adapter.ts';
export { logtoConnectorCreator } from './detect.ts';
