// The kernels of a dense layer with few outputs (a classifier's 10),
// included once per instruction set by Kernels.c like kernel_body.h: sgemm
// packs both operands and runs a beta pass for every call, which at M = 10
// costs more than the multiply-adds. These keep the M outputs' accumulators
// in registers and stream the feature-major activations once.

#define NARROW_CAT2(a, b) a##b
#define NARROW_CAT(a, b) NARROW_CAT2(a, b)
#define NARROW_NAME(name) NARROW_CAT(name, SPRIG_SUFFIX)

// Output rows per pass: its accumulators, the input vector and a broadcast
// fit AVX2's sixteen registers.
#ifndef NARROW_GROUP
#define NARROW_GROUP 12
#define NARROW_CASES(call) \
  switch (g) {             \
  case 1: call(1); break;  \
  case 2: call(2); break;  \
  case 3: call(3); break;  \
  case 4: call(4); break;  \
  case 5: call(5); break;  \
  case 6: call(6); break;  \
  case 7: call(7); break;  \
  case 8: call(8); break;  \
  case 9: call(9); break;  \
  case 10: call(10); break; \
  case 11: call(11); break; \
  default: call(12); break; \
  }
#endif

// Rows [0, rows) of Y's batch columns [b, b + 8) over inputs [k0, k1) of
// W's rows (ldw apart): from the bias for the first block of inputs, else
// adding to what the earlier blocks left in Y.
static inline __attribute__((always_inline)) void NARROW_NAME(forward_group_)(
    const float *w, int64_t ldw, int64_t k0, int64_t k1, const float *bias, const float *x, int64_t ldx, float *y,
    int64_t ldy, int64_t b, const int rows) {
  v8f acc[NARROW_GROUP];
  for (int r = 0; r < rows; r++) acc[r] = k0 > 0 ? load8(y + r * ldy + b) : splat8(bias ? bias[r] : 0.0f);
  for (int64_t k = k0; k < k1; k++) {
    const v8f v = load8(x + k * ldx + b);
    for (int r = 0; r < rows; r++) acc[r] += w[r * ldw + k] * v;
  }
  for (int r = 0; r < rows; r++) store8(y + r * ldy + b, acc[r]);
}

// The same over the last batch columns [b, batch), fewer than eight.
static void NARROW_NAME(forward_tail_)(const float *w, int64_t ldw, int64_t k0, int64_t k1, const float *bias,
                                       const float *x, int64_t ldx, float *y, int64_t ldy, int64_t b, int64_t batch,
                                       int64_t rows) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = b; c < batch; c++) {
      float s = k0 > 0 ? y[r * ldy + c] : bias ? bias[r] : 0.0f;
      for (int64_t k = k0; k < k1; k++) s += w[r * ldw + k] * x[k * ldx + c];
      y[r * ldy + c] = s;
    }
}

// Inputs are taken in blocks whose rows of X fit L1 (32 rows of a batch of
// 128 are 16 KB): every batch tile then reads them from L1, where tile
// after tile over all of X fetched each line of it from L2 or L3 again.
#define NARROW_K_BLOCK 32

static void NARROW_NAME(narrow_forward_)(const float *w, int64_t m, int64_t k, const float *bias, const float *x, float *y,
                          int64_t batch, int64_t b_begin, int64_t b_end) {
  for (int64_t k0 = 0; k0 < k || k0 == 0; k0 += NARROW_K_BLOCK) {
    const int64_t k1 = k0 + NARROW_K_BLOCK < k ? k0 + NARROW_K_BLOCK : k;
    for (int64_t r0 = 0; r0 < m; r0 += NARROW_GROUP) {
      const int64_t g = m - r0 < NARROW_GROUP ? m - r0 : NARROW_GROUP;
      const float *wg = w + r0 * k, *bg = bias ? bias + r0 : 0;
      float *yg = y + r0 * batch;
      int64_t b = b_begin;
      for (; b + 8 <= b_end; b += 8) {
#define FORWARD(rows) NARROW_NAME(forward_group_)(wg, k, k0, k1, bg, x, batch, yg, batch, b, rows)
        NARROW_CASES(FORWARD)
#undef FORWARD
      }
      if (b < b_end) NARROW_NAME(forward_tail_)(wg, k, k0, k1, bg, x, batch, yg, batch, b, b_end, g);
    }
  }
}

// dX[j, :] = Σ_r W[r, j]·dY[r, :] for one input j, 64 batch columns at a time.
static inline __attribute__((always_inline)) void NARROW_NAME(input_gradient_rows_)(
    const float *w, int64_t m, int64_t k, const float *dy, float *dx, int64_t batch, int64_t j_begin, int64_t j_end,
    const sprig_epilogue *epilogue) {
  for (int64_t j = j_begin; j < j_end; j++) {
    float *dxr = dx + j * batch;
    int64_t b = 0;
    for (; b + 64 <= batch; b += 64) {
      v8f acc[8];
      for (int t = 0; t < 8; t++) acc[t] = splat8(0);
      for (int64_t r = 0; r < m; r++) {
        const float wv = w[r * k + j];
        for (int t = 0; t < 8; t++) acc[t] += wv * load8(dy + r * batch + b + 8 * t);
      }
      for (int t = 0; t < 8; t++) store8(dxr + b + 8 * t, acc[t]);
    }
    for (; b + 8 <= batch; b += 8) {
      v8f acc = splat8(0);
      for (int64_t r = 0; r < m; r++) acc += w[r * k + j] * load8(dy + r * batch + b);
      store8(dxr + b, acc);
    }
    for (; b < batch; b++) {
      float s = 0;
      for (int64_t r = 0; r < m; r++) s += w[r * k + j] * dy[r * batch + b];
      dxr[b] = s;
    }
    if (epilogue) finish_row(epilogue, j, dxr, batch, batch);  // as the SpMM's rows
  }
}

static void NARROW_NAME(narrow_input_gradient_)(const float *w, int64_t m, int64_t k, const float *dy, float *dx,
                                                 int64_t batch, int64_t j_begin, int64_t j_end,
                                                 const sprig_epilogue *epilogue) {
  NARROW_NAME(input_gradient_rows_)(w, m, k, dy, dx, batch, j_begin, j_end, epilogue);
}

// dW[r, j] = dot(dY[r, :], X[j, :]) for rows [0, rows) and one input j.
static inline __attribute__((always_inline)) void NARROW_NAME(weight_gradient_group_)(const float *dy, const float *xr,
                                                                         int64_t batch, float *dw, int64_t ldw,
                                                                         const int rows) {
  v8f acc[NARROW_GROUP];
  for (int r = 0; r < rows; r++) acc[r] = splat8(0);
  int64_t b = 0;
  for (; b + 8 <= batch; b += 8) {
    const v8f v = load8(xr + b);
    for (int r = 0; r < rows; r++) acc[r] += load8(dy + r * batch + b) * v;
  }
  for (int r = 0; r < rows; r++) {
    float s = hsum8(acc[r]);
    for (int64_t c = b; c < batch; c++) s += dy[r * batch + c] * xr[c];
    dw[r * ldw] = s;
  }
}

static void NARROW_NAME(narrow_weight_gradient_)(const float *dy, int64_t m, int64_t k, const float *x, float *dw, int64_t batch,
                                  int64_t j_begin, int64_t j_end) {
  for (int64_t r0 = 0; r0 < m; r0 += NARROW_GROUP) {
    const int64_t g = m - r0 < NARROW_GROUP ? m - r0 : NARROW_GROUP;
    for (int64_t j = j_begin; j < j_end; j++) {
#define GRADIENT(rows) NARROW_NAME(weight_gradient_group_)(dy + r0 * batch, x + j * batch, batch, dw + r0 * k + j, k, rows)
      NARROW_CASES(GRADIENT)
#undef GRADIENT
    }
  }
}

#undef NARROW_NAME
#undef NARROW_CAT
#undef NARROW_CAT2
