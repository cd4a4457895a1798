// The batch transpose (sprig_gather_columns) against the float-by-float copy
// it replaced, on CIFAR-10's shape (3072 features, 128 samples drawn from
// 5000), each timed on rows it has not touched before. From the repository root:
//   clang -O2 -ISources/SprigKernels/include -ISources/SprigKernels \
//     docs/experiments/gather-columns-bench.c Sources/SprigKernels/Activations.c -o /tmp/gather && /tmp/gather
#include "SprigKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// The copy before commit be50397: sixteen samples a step, one float at a time.
static void old_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst) {
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16) {
    const float *rows[16];
    for (int j = 0; j < 16; j++) rows[j] = src + indices[j0 + j] * features;
    for (int64_t k = 0; k < features; k++) {
      float line[16];
      for (int j = 0; j < 16; j++) line[j] = rows[j][k];
      memcpy(dst + k * n + j0, line, sizeof line);
    }
  }
  for (; j0 < n; j0++) {
    const float *row = src + indices[j0] * features;
    for (int64_t k = 0; k < features; k++) dst[k * n + j0] = row[k];
  }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  const int64_t samples = 5000, features = 3072, batch = 128, calls = 50;
  float *src = malloc(samples * features * sizeof(float));
  float *a = malloc(features * batch * sizeof(float)), *b = malloc(features * batch * sizeof(float));
  for (int64_t i = 0; i < samples * features; i++) src[i] = (float)i;
  int64_t first[128], second[128];
  for (int round = 0; round < 5; round++) {
    double old_seconds = 0, new_seconds = 0;
    for (int c = 0; c < calls; c++) {
      // Two fresh draws, one per version, so neither reads rows the other warmed.
      for (int j = 0; j < batch; j++) first[j] = rand() % samples, second[j] = rand() % samples;
      double t0 = now();
      old_gather_columns(src, features, first, batch, a);
      double t1 = now();
      sprig_gather_columns(src, features, second, batch, b);
      double t2 = now();
      old_seconds += t1 - t0, new_seconds += t2 - t1;
      sprig_gather_columns(src, features, first, batch, b);
      if (memcmp(a, b, features * batch * sizeof(float)) != 0) return printf("mismatch\n"), 1;
    }
    printf("old %.3f ms  new %.3f ms per batch\n", old_seconds / calls * 1e3, new_seconds / calls * 1e3);
  }
  return 0;
}
