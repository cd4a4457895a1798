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

typedef float gather_f8 __attribute__((vector_size(32), aligned(4)));

// Sixteen samples at a time, eight features of each: two 8×8 transposes in
// registers, so every load reads 32 contiguous bytes of a sample and every
// destination row gets one whole 64-byte line (the float-by-float copy this
// replaced cost about a nanosecond per float, 2 % of a CIFAR-10 step).
__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst) {
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16) {
    const float *rows[16];
    for (int j = 0; j < 16; j++) rows[j] = src + indices[j0 + j] * features;
    int64_t k0 = 0;
    for (; k0 + 8 <= features; k0 += 8) {
      for (int half = 0; half < 2; half++) {
        gather_f8 r[8], t[8], u[8];
        for (int j = 0; j < 8; j++) memcpy(&r[j], rows[8 * half + j] + k0, sizeof r[j]);
        for (int p = 0; p < 4; p++) {
          t[2 * p] = __builtin_shufflevector(r[2 * p], r[2 * p + 1], 0, 8, 1, 9, 4, 12, 5, 13);
          t[2 * p + 1] = __builtin_shufflevector(r[2 * p], r[2 * p + 1], 2, 10, 3, 11, 6, 14, 7, 15);
        }
        for (int q = 0; q < 2; q++) {  // samples 4q..4q+3 of this half
          gather_f8 a = t[4 * q], b = t[4 * q + 1], c = t[4 * q + 2], d = t[4 * q + 3];
          u[4 * q] = __builtin_shufflevector(a, c, 0, 1, 8, 9, 4, 5, 12, 13);      // features 0, 4
          u[4 * q + 1] = __builtin_shufflevector(a, c, 2, 3, 10, 11, 6, 7, 14, 15);  // 1, 5
          u[4 * q + 2] = __builtin_shufflevector(b, d, 0, 1, 8, 9, 4, 5, 12, 13);    // 2, 6
          u[4 * q + 3] = __builtin_shufflevector(b, d, 2, 3, 10, 11, 6, 7, 14, 15);  // 3, 7
        }
        for (int k = 0; k < 4; k++) {
          const gather_f8 low = __builtin_shufflevector(u[k], u[4 + k], 0, 1, 2, 3, 8, 9, 10, 11);
          const gather_f8 high = __builtin_shufflevector(u[k], u[4 + k], 4, 5, 6, 7, 12, 13, 14, 15);
          memcpy(dst + (k0 + k) * n + j0 + 8 * half, &low, sizeof low);
          memcpy(dst + (k0 + k + 4) * n + j0 + 8 * half, &high, sizeof high);
        }
      }
    }
    for (; k0 < features; k0++)
      for (int j = 0; j < 16; j++) dst[k0 * n + j0 + j] = rows[j][k0];
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

// One pixel's row of a max-pooling window (see MaxPool2D): the first pixel
// starts the window's maxima, each later one replaces those it exceeds
// (strictly, so the first wins ties and NaN never does), recording the
// winner's index. As a Swift loop of selects this ran scalar: 10 % of a
// training epoch of `sprig example cnn`.
__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_max_pool_row(const float *x, float *y, int32_t *winner, int32_t index, int64_t n, int first) {
  if (first) {
    for (int64_t j = 0; j < n; j++) {
      y[j] = x[j];
      winner[j] = index + (int32_t)j;
    }
    return;
  }
  for (int64_t j = 0; j < n; j++) {
    const int better = x[j] > y[j];
    y[j] = better ? x[j] : y[j];
    winner[j] = better ? index + (int32_t)j : winner[j];
  }
}
