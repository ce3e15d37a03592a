/* Makes libfaketime (Debian 0.9.10) usable for Python: preloaded before it by
 * `make test-faketime`.
 *
 * Why: libfaketime fakes CLOCK_MONOTONIC too (it must: Python's time.sleep() fails with
 * EINVAL when it doesn't), but it does not intercept sem_clockwait() and
 * pthread_cond_clockwait(). CPython 3.11 waits for a lock with a timeout through
 * sem_clockwait(CLOCK_MONOTONIC, <faked now + timeout>); the kernel compares that
 * deadline with the real monotonic clock, which is years behind, so
 * `threading.Lock().acquire(timeout=1)` (and every Event.wait, Barrier, join or
 * queue.get with a timeout) never returns. Here the absolute deadline is moved from the
 * faked clock back to the real one before the real call; relative waits are untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* `abstime` on the faked `clock` -> the same distance ahead on the real `clock`. */
static struct timespec to_real(clockid_t clock, const struct timespec *abstime) {
    struct timespec faked, real, out;
    clock_gettime(clock, &faked);             /* libfaketime's answer */
    syscall(SYS_clock_gettime, clock, &real); /* the kernel's, past every preload */
    long long ns = ((long long)abstime->tv_sec - faked.tv_sec + real.tv_sec) * 1000000000LL
                 + abstime->tv_nsec - faked.tv_nsec + real.tv_nsec;
    if (ns < 0) ns = 0;
    out.tv_sec = ns / 1000000000LL;
    out.tv_nsec = ns % 1000000000LL;
    return out;
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    static int (*next)(sem_t *, clockid_t, const struct timespec *);
    if (!next) next = dlsym(RTLD_NEXT, "sem_clockwait");
    if (!abstime) return next(sem, clock, abstime);
    struct timespec real = to_real(clock, abstime);
    return next(sem, clock, &real);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime) {
    static int (*next)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    if (!next) next = dlsym(RTLD_NEXT, "pthread_cond_clockwait");
    if (!abstime) return next(cond, mutex, clock, abstime);
    struct timespec real = to_real(clock, abstime);
    return next(cond, mutex, clock, &real);
}
