export { createLiveClient, type LiveClient, type LiveClientOptions, type LiveSink } from './live-client';
