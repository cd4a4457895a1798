// Elementwise activation kernels whose Swift form is slow: Swift's SIMD
// masks and selects compile to scalar loops through the stack unless the
// whole program is built for the CPU, and branches on the sign of random
// activations mispredict half the time. GCC vector types compile to plain
// SSE on any x86-64 and to NEON elsewhere.
#include "SprigKernels.h"
#include "activation_rows.h"
#include <string.h>

// The portable variant passes 8-lane vectors between static inline helpers;
// the ABI note clang gives for that does not apply to them.
#pragma clang diagnostic ignored "-Wpsabi"

void sprig_srelu_backward_rows(const float *x, const float *dy, float *dx, int64_t batch, int64_t rows,
                               const float *left_threshold, const float *left_slope,
                               const float *right_threshold, const float *right_slope, float *sums) {
  for (int64_t i = 0; i < rows; i++)
    srelu_backward_row(x + i * batch, dy + i * batch, dx ? dx + i * batch : 0, batch, left_threshold[i],
                       left_slope[i], right_threshold[i], right_slope[i], sums + 4 * i);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_dropout(const float *x, float *y, uint8_t *kept, int64_t n, uint64_t seed, uint32_t keep_threshold,
                   float scale) {
  dropout_row(x, y, kept, n, 0, seed, keep_threshold, scale);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_dropout_backward(const float *dy, float *dx, const uint8_t *kept, int64_t n, float scale) {
  dropout_backward_row(dy, dx, kept, n, scale);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_srelu_forward_rows(const float *x, float *y, int64_t batch, int64_t rows,
                              const float *left_threshold, const float *left_slope,
                              const float *right_threshold, const float *right_slope) {
  for (int64_t i = 0; i < rows; i++)
    srelu_forward_row(x + i * batch, y + i * batch, batch, left_threshold[i], left_slope[i], right_threshold[i],
                      right_slope[i]);
}

void sprig_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst) {
  // Sixteen samples at a time: each step reads one feature of sixteen rows
  // (sixteen sequential streams) and writes one whole 64-byte line.
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

void sprig_relu_forward(const float *x, float *y, int64_t n) {
  const act_f8 zero = act_splat(0);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const act_f8 v = act_load(x + k);
    act_store(y + k, act_keep(v, (act_i8)(v > zero)));
  }
  for (; k < n; k++) y[k] = x[k] > 0 ? x[k] : 0;
}

void sprig_relu_backward(const float *x, const float *dy, float *dx, int64_t n) {
  const act_f8 zero = act_splat(0);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) act_store(dx + k, act_keep(act_load(dy + k), (act_i8)(act_load(x + k) > zero)));
  for (; k < n; k++) dx[k] = x[k] > 0 ? dy[k] : 0;
}
