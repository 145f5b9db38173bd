#ifndef CCURL_H
#define CCURL_H

// libcurl, loaded with dlopen on first use instead of linked: `play` runs that never make an HTTP
// request do not pay for libcurl and the ~40 libraries it pulls in. curl.h is included for its
// types and constants only; call libcurl through the ccurl_* functions below, never directly
// (nothing links -lcurl, so a direct call would not link).
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stddef.h>

/// Loads libcurl.so.4 and runs curl_global_init, once per process (thread-safe).
/// Returns 1 when libcurl is usable, 0 otherwise (see ccurl_load_error).
int ccurl_load(void);

/// Why loading failed (dlopen/dlsym/curl_global_init), or NULL when it did not.
const char *ccurl_load_error(void);

// Easy handles. All of these require a successful ccurl_load().
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
void ccurl_easy_reset(CURL *handle);
CURLcode ccurl_easy_perform(CURL *handle);
const char *ccurl_easy_strerror(CURLcode code);

// Non-variadic curl_easy_setopt, one per argument type.
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*ccurl_seek_callback)(void *userdata, curl_off_t offset, int origin);
typedef int (*ccurl_xferinfo_callback)(void *userdata, curl_off_t download_total, curl_off_t downloaded,
                                       curl_off_t upload_total, curl_off_t uploaded);

/// CURLOPT_WRITEFUNCTION, CURLOPT_READFUNCTION or CURLOPT_HEADERFUNCTION.
CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
CURLcode ccurl_setopt_seek_callback(CURL *handle, ccurl_seek_callback callback);
CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback callback);

// Non-variadic curl_easy_getinfo.
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

#endif
