export { type Config, loadConfig } from './config.ts';
export { createPassline, type Passline, startPassline } from './main.ts';
