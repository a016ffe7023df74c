// One way to start the system for tests, benchmarks and `npm start`: the subgraphs inside this
// process through their exported `main` (startSubgraphsInProcess), or each package as a process
// of its own from its built dist/ (startSystemProcesses). Callers add their gateway(s).
export * from './subgraphs';
export * from './in-process';
export * from './processes';
export * from './system-processes';
