/** `node --import ./bench/lib/register.mjs bench/run.ts`: see `ts-hooks.mjs`. */
import { register } from 'node:module'

register('./ts-hooks.mjs', import.meta.url)
