/**
 * Preloaded (`--import`) into the worker processes the bench forks: when the bench process goes
 * away (its IPC channel closes), the worker shuts down as on SIGTERM instead of running on alone.
 */
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
