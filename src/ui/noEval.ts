/**
 * The page's Content-Security-Policy allows no eval. zod compiles object parsers with the Function constructor where it
 * may, and probes for that once: the probe is caught, but the browser still reports a policy violation. The
 * page parses without it (scenarios are small). Imported first by the store, before any schema parses.
 */
import { config } from 'zod';

config({ jitless: true });
