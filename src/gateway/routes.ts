// The route modules the gateway mounts, in order. Each is one file under gateway/.
import type { RouteModule } from "./app.ts";
import { hooks } from "./hooks.ts";
import { openAIApi } from "./openai-api.ts";
import { controlRoute } from "./control/control-route.ts";
import { channelWebhookRoute } from "./channel-webhook-route.ts";
import { uiRoutes } from "./ui/ui-routes.ts";

export const routeModules: RouteModule[] = [openAIApi, hooks, channelWebhookRoute, controlRoute, uiRoutes];
