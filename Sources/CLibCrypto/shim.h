#ifndef PLAY_CLIBCRYPTO_SHIM_H
#define PLAY_CLIBCRYPTO_SHIM_H
/* The vault's PBKDF2 keeps keyed SHA-256 states (SHA256_CTX), which OpenSSL 3 marks deprecated
   in favour of EVP contexts that cost an allocation per copy. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#endif
