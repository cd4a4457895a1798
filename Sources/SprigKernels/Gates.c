// The elementwise part of LSTM and GRU steps: their logistic and tanh
// gates over H·B units a step. Swift's libm `exp` and `tanh` are scalar
// calls; these are branch-free polynomial forms (Cephes' expf and tanhf,
// accurate to a few float ulps) that clang vectorizes for each target.
#include "SprigKernels.h"
#include <stdint.h>
#include <string.h>

// Contraction off: the same bits from every variant (an FMA formed for
// AVX2 and not for the portable one would move the last bit).
#pragma clang fp contract(off)

// e^x for x ≤ 0 (the logistic and tanh below only need that): x = k·ln 2 + r
// with |r| ≤ ln 2 / 2, e^r by Cephes' degree-6 polynomial, 2^k from the
// exponent bits. Below −87.3 the result would be subnormal: 0 instead.
static inline __attribute__((always_inline)) float exp_nonpositive(float x) {
  const float clamped = x < -87.3f ? -87.3f : x;
  const float k = __builtin_rintf(clamped * 1.44269504088896341f);
  const float r = (clamped - k * 0.693359375f) + k * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  const int32_t bits = ((int32_t)k + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return x < -87.3f ? 0.0f : er * scale;
}

// σ(x) from e^(−|x|), as StableMath's logistic: no overflow, full relative
// precision for very negative x.
static inline __attribute__((always_inline)) float gate_logistic(float x) {
  const float e = exp_nonpositive(-__builtin_fabsf(x));
  return (x >= 0 ? 1.0f : e) / (1.0f + e);
}

// tanh: Cephes' odd polynomial below |x| = 0.625 (where 1 − e^(−2|x|)
// would cancel), (1 − t)/(1 + t) with t = e^(−2|x|) above, sign restored.
static inline __attribute__((always_inline)) float gate_tanh(float x) {
  const float a = __builtin_fabsf(x), z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float t = exp_nonpositive(-2.0f * a);
  const float large = (1.0f - t) / (1.0f + t);
  return a < 0.625f ? small : (x < 0 ? -large : large);
}

float sprig_gate_logistic(float x) { return gate_logistic(x); }
float sprig_gate_tanh(float x) { return gate_tanh(x); }

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_lstm_gates_forward(float *a, const float *state, float *previous_cell, float *cell_tanh, float *next,
                              int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    const float input = gate_logistic(a[k]), forget = gate_logistic(a[n + k]);
    const float output = gate_logistic(a[2 * n + k]), candidate = gate_tanh(a[3 * n + k]);
    a[k] = input;
    a[n + k] = forget;
    a[2 * n + k] = output;
    a[3 * n + k] = candidate;
    const float cp = state[n + k];
    const float c = forget * cp + input * candidate;
    const float tc = gate_tanh(c);
    previous_cell[k] = cp;
    cell_tanh[k] = tc;
    next[k] = output * tc;
    next[n + k] = c;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_gru_gates_forward(float *a, const float *p, const float *previous, float *next, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    const float reset = gate_logistic(a[k] + p[k]);
    const float update = gate_logistic(a[n + k] + p[n + k]);
    const float candidate = gate_tanh(a[2 * n + k] + reset * p[2 * n + k]);
    a[k] = reset;
    a[n + k] = update;
    a[2 * n + k] = candidate;
    next[k] = (1 - update) * candidate + update * previous[k];
  }
}
