// The jest tests' throwaway redis-server is the one queue mode's stack starts (stack/redisServer.ts).
export * from '../../stack/redisServer';
