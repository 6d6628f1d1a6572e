export { JwtTicketBuilder } from './builder.js'
export {
  EdDsa,
  Es256,
  Es384,
  type HmacKey,
  Hs256,
  Hs384,
  Hs512,
  type JwtAlgorithm,
  type KeyPair,
  type SigningKey,
  type VerifyingKey,
} from './keys.js'
export { Jwt, jwtExpiration } from './validator.js'
