#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// The libcurl entry points, filled in once by load_once.
static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t load_guard = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_error[512];

static void *symbol(void *library, const char *name) {
    void *address = dlsym(library, name);
    if (address == NULL && load_error[0] == '\0') {
        snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s (libcurl too old?)", name);
    }
    return address;
}

static void load_once(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4: %s", reason ? reason : "unknown error");
        return;
    }
    *(void **)&api.global_init = symbol(library, "curl_global_init");
    *(void **)&api.easy_init = symbol(library, "curl_easy_init");
    *(void **)&api.easy_cleanup = symbol(library, "curl_easy_cleanup");
    *(void **)&api.easy_reset = symbol(library, "curl_easy_reset");
    *(void **)&api.easy_perform = symbol(library, "curl_easy_perform");
    *(void **)&api.easy_getinfo = symbol(library, "curl_easy_getinfo");
    *(void **)&api.easy_strerror = symbol(library, "curl_easy_strerror");
    *(void **)&api.easy_setopt = symbol(library, "curl_easy_setopt");
    *(void **)&api.slist_append = symbol(library, "curl_slist_append");
    *(void **)&api.slist_free_all = symbol(library, "curl_slist_free_all");
    if (load_error[0] != '\0') return;
    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed: %s", api.easy_strerror(code));
        return;
    }
    loaded = 1;
}

int ccurl_load(void) {
    pthread_once(&load_guard, load_once);
    return loaded;
}

const char *ccurl_load_error(void) {
    pthread_once(&load_guard, load_once);
    return loaded ? NULL : load_error;
}

CURL *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CURL *handle) { api.easy_cleanup(handle); }
void ccurl_easy_reset(CURL *handle) { api.easy_reset(handle); }
CURLcode ccurl_easy_perform(CURL *handle) { return api.easy_perform(handle); }
const char *ccurl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return api.easy_setopt(handle, option, callback);
}

CURLcode ccurl_setopt_seek_callback(CURL *handle, ccurl_seek_callback callback) {
    return api.easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback callback) {
    return api.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return api.easy_getinfo(handle, info, value);
}

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line) {
    return api.slist_append(list, line);
}

void ccurl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }
