import type { ParameterizedContext } from 'koa';
import type Router from '@koa/router';

/** The authenticated caller, set by the auth middleware on every /engine-rest and /api request. */
export interface AuthUser {
  id: string;
  groups: string[];
  isAdmin: boolean;
}

export interface AppState {
  requestId: string;
  user: AuthUser;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouter = Router<AppState>;
