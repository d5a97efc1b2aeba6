/**
 * Corporate proxies: when HTTPS_PROXY or HTTP_PROXY is set, every `fetch` of this process goes
 * through undici's EnvHttpProxyAgent, which also honours NO_PROXY. The Console client itself
 * stays proxy-agnostic (it runs in browsers too, where the browser handles proxies).
 */
import { EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';

let installed = false;

/** Installs the proxy dispatcher once if the environment names a proxy; returns whether one is in use. */
export function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  if (!httpsProxy && !httpProxy) return false;
  if (!installed) {
    setGlobalDispatcher(
      new EnvHttpProxyAgent({
        ...(httpProxy ? { httpProxy } : {}),
        ...(httpsProxy ? { httpsProxy } : {}),
        ...(env.NO_PROXY ?? env.no_proxy ? { noProxy: env.NO_PROXY ?? env.no_proxy } : {}),
      }),
    );
    installed = true;
  }
  return true;
}
