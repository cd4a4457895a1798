// ThreadPool: the workers behind Sprig's parallel loops.
//
// A sparse layer's kernel on a 1000×1000 layer takes about 0.1 ms, and a
// training step calls a dozen of them. Waking a sleeping thread for each
// call (what DispatchQueue.concurrentPerform does) costs tens of
// microseconds on a virtual machine, where an idle vCPU halts and must be
// woken through the hypervisor. These workers instead spin for a short
// while after each job, so the next kernel of the same step finds them
// awake; after `spin_microseconds` without work they sleep on a condition
// variable and cost nothing.
#include "SprigKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define SPRIG_MAX_WORKERS 255
// How long an idle worker spins before it sleeps, unless
// sprig_parallel_set_spin_microseconds says otherwise.
#define DEFAULT_SPIN_MICROSECONDS 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
// Serialises jobs: a loop started while another runs (nested, or from a
// second thread) runs on its caller alone instead of waiting.
static atomic_flag busy = ATOMIC_FLAG_INIT;
static int started = 0;  // workers created so far (under `lock`)
// Read by idle workers as they start waiting, so atomic.
static atomic_int_fast64_t spin_nanoseconds = DEFAULT_SPIN_MICROSECONDS * 1000;

// The job in flight; written by the caller before `generation` is bumped
// (release), read by workers after they see the new generation (acquire).
static sprig_task_fn job_fn;
static void *job_context;
static int64_t job_count;
static atomic_int_fast64_t next_index;
static atomic_int pending;  // workers that have not finished this job
// The job's number times 2¹⁶ plus the workers that take part (the caller
// also does): one word, so that a worker never pairs one job's number with
// another job's worker count.
static atomic_uint_fast64_t generation;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static int64_t now_nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void run_indices(void) {
  for (;;) {
    const int64_t i = atomic_fetch_add_explicit(&next_index, 1, memory_order_relaxed);
    if (i >= job_count) return;
    job_fn(job_context, i);
  }
}

// Waits for a generation other than `seen`: spins, then sleeps.
static uint64_t await_job(uint64_t seen) {
  uint64_t g;
  const int64_t deadline = now_nanoseconds() + atomic_load_explicit(&spin_nanoseconds, memory_order_relaxed);
  for (int n = 1;; n++) {
    g = atomic_load_explicit(&generation, memory_order_acquire);
    if (g != seen) return g;
    cpu_relax();
    if (n % 256 == 0 && now_nanoseconds() > deadline) break;
  }
  pthread_mutex_lock(&lock);
  while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &lock);
  pthread_mutex_unlock(&lock);
  return g;
}

static void *worker_main(void *arg) {
  const int id = (int)(intptr_t)arg;
  uint64_t seen = 0;
  for (;;) {
    seen = await_job(seen);
    if (id >= (int)(seen & 0xffff)) continue;  // this job uses fewer threads
    run_indices();
    atomic_fetch_sub_explicit(&pending, 1, memory_order_release);
  }
  return NULL;
}

// Starts workers up to `n` (under `lock`); returns how many exist, which
// may be more than `n`.
static int ensure_workers(int n) {
  if (n > SPRIG_MAX_WORKERS) n = SPRIG_MAX_WORKERS;
  while (started < n) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&thread, &attr, worker_main, (void *)(intptr_t)started);
    pthread_attr_destroy(&attr);
    if (failed) break;
    started++;
  }
  return started;
}

void sprig_parallel_for(int64_t count, int threads, sprig_task_fn fn, void *context) {
  if (count <= 0) return;
  if (threads <= 1 || count == 1 || atomic_flag_test_and_set_explicit(&busy, memory_order_acquire)) {
    for (int64_t i = 0; i < count; i++) fn(context, i);
    return;
  }
  pthread_mutex_lock(&lock);
  // At most threads − 1 workers (more may exist from an earlier, wider
  // loop), fewer when there are fewer tasks, or when threads could not start.
  int workers = threads - 1;
  const int available = ensure_workers(workers);
  if (workers > available) workers = available;
  if ((int64_t)workers > count - 1) workers = (int)(count - 1);
  job_fn = fn;
  job_context = context;
  job_count = count;
  atomic_store_explicit(&next_index, 0, memory_order_relaxed);
  atomic_store_explicit(&pending, workers, memory_order_relaxed);
  const uint64_t job = (atomic_load_explicit(&generation, memory_order_relaxed) >> 16) + 1;
  atomic_store_explicit(&generation, (job << 16) | (uint64_t)workers, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  run_indices();
  while (atomic_load_explicit(&pending, memory_order_acquire) > 0) cpu_relax();
  atomic_flag_clear_explicit(&busy, memory_order_release);
}

void sprig_parallel_set_spin_microseconds(int64_t microseconds) {
  int64_t us = microseconds < 0 ? DEFAULT_SPIN_MICROSECONDS : microseconds;
  if (us > 1000000000) us = 1000000000;  // 1000 s: the deadline cannot overflow
  atomic_store_explicit(&spin_nanoseconds, us * 1000, memory_order_relaxed);
}

int64_t sprig_parallel_spin_microseconds(void) {
  return atomic_load_explicit(&spin_nanoseconds, memory_order_relaxed) / 1000;
}
