export { loadConfig, type Config } from './config.ts';
export { createPassline, startPassline, type Passline } from './main.ts';
