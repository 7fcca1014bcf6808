// The route modules the gateway mounts, in order. Each is one file under gateway/.
import type { RouteModule } from "./app.ts";

export const routeModules: RouteModule[] = [];
