// SprigKernels: the hot loops of a sparse layer over CSR arrays.
//
// Activations are feature-major: a matrix of n_features x batch floats whose
// rows are `ld` floats apart, so every connection touches one contiguous row
// of the batch. Each kernel works on a half-open range of CSR rows, so the
// caller can split the rows into chunks and run them on several threads.
//
// The instruction set is chosen once at run time (AVX-512, AVX2+FMA or a
// portable fallback); sprig_kernels_force_isa() overrides it for tests.
#ifndef SPRIG_KERNELS_H
#define SPRIG_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets the kernels are compiled for.
typedef enum {
  SPRIG_ISA_GENERIC = 0,
  SPRIG_ISA_AVX2 = 1,
  SPRIG_ISA_AVX512 = 2,
} sprig_isa;

/// The best instruction set this CPU supports.
sprig_isa sprig_kernels_detected_isa(void);
/// The instruction set the kernels use now.
sprig_isa sprig_kernels_active_isa(void);
/// Forces an instruction set (clamped to what the CPU supports); returns the one in force.
sprig_isa sprig_kernels_force_isa(sprig_isa isa);

/// Y[r, :] = bias[r] + sum_k W[r, k] * X[k, :] for rows r in [row_begin, row_end).
///
/// `value_index`, when not NULL, maps each stored entry to its position in
/// `values` (used for the transposed pattern, which shares W's values).
/// `bias` may be NULL (then Y starts from zero). `rectify` non-zero applies
/// a ReLU to each row as it is finished, while the row is still in L1: a
/// separate pass would read and write the whole output from L2 or L3 again.
/// For the same reason the backward through a ReLU is done here too: `mask`,
/// when not NULL, is shaped like Y (leading dimension `ldy`) and keeps
/// Y[r, c] where mask[r, c] > 0, zeroing it elsewhere (the mask being the
/// ReLU's output); `row_sums`, when not NULL, receives each finished row's
/// sum (the preceding layer's bias gradient), summed as sprig_row_sums does.
void sprig_spmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                     const int32_t *value_index, const float *values,
                     const float *bias, const float *x, int64_t ldx,
                     float *y, int64_t ldy, int64_t batch,
                     int64_t row_begin, int64_t row_end, int rectify, const float *mask, float *row_sums);

/// How a weight-gradient kernel stores the dot product g of entry k into
/// out[k]. A NULL store, or one with NULL weights, writes out[k] = g.
typedef struct {
  /// Not NULL: SGD's momentum update folded into the kernel, with out the
  /// velocity: out[k] = momentum·out[k] + decay·weights[k] + g.
  const float *weights;
  float momentum;
  float decay;
} sprig_gradient_store;

/// G[k] = dot(DY[r, :], X[col_idx[k], :]) for every stored entry k of rows
/// r in [row_begin, row_end), stored as `store` says: the weight gradient
/// sampled on W's pattern.
void sprig_sddmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                      const float *dy, int64_t lddy, const float *x,
                      int64_t ldx, float *gradient, const sprig_gradient_store *store, int64_t batch,
                      int64_t row_begin, int64_t row_end);

/// The backward of Y = W·X in one pass over Wᵀ's pattern (`row_ptr`,
/// `col_idx` of Wᵀ; `value_index` maps each entry to its position in W's
/// `values` and `gradient`): for rows j in [row_begin, row_end),
/// dX[j, :] = sum_k W[i_k, j] * DY[i_k, :] and G[value_index[k]] =
/// dot(DY[i_k, :], X[j, :]) for each entry k = (j, i_k), G stored as
/// `store` says.
void sprig_backward_rows(const int32_t *row_ptr, const int32_t *col_idx,
                         const int32_t *value_index, const float *values,
                         const float *dy, int64_t lddy, const float *x, int64_t ldx,
                         float *dx, int64_t lddx, float *gradient, const sprig_gradient_store *store,
                         int64_t batch, int64_t row_begin, int64_t row_end);

/// A task of a parallel loop: `index` in [0, count).
typedef void (*sprig_task_fn)(void *context, int64_t index);

/// Runs fn(context, i) for every i in [0, count) on up to `threads` threads,
/// the caller's included, and returns when all are done. Workers spin
/// briefly between loops (`SPRIG_SPIN_MICROSECONDS`, default 200) so that
/// the many short kernels of a training step do not each pay a thread
/// wake-up. A loop started while another runs runs on its caller alone.
void sprig_parallel_for(int64_t count, int threads, sprig_task_fn fn, void *context);

/// out[r] = sum_b DY[r, b] for rows r in [row_begin, row_end): the bias gradient.
void sprig_row_sums(const float *dy, int64_t lddy, float *out, int64_t batch,
                    int64_t row_begin, int64_t row_end);

/// SReLU's backward over `rows` units of `batch` samples (row-major, unit
/// after unit): dx = slope(x)·dy when `dx` is not null, and per unit i the
/// sums[4i..4i+3] = (Σ dy, Σ dy·x) over x ≥ tʳ, then (Σ dy, Σ dy·x) over
/// x ≤ tˡ (x < tʳ), from which the parameter gradients follow.
void sprig_srelu_backward_rows(const float *x, const float *dy, float *dx, int64_t batch, int64_t rows,
                               const float *left_threshold, const float *left_slope,
                               const float *right_threshold, const float *right_slope, float *sums);

/// Inverted dropout over n values: y[i] = x[i]·scale when element i is
/// kept (probability keep_threshold / 2^24), else 0. The decisions are a
/// pure function of `seed` and i, so the backward (dy → dx) is the same
/// call with the same seed.
void sprig_dropout(const float *x, float *y, int64_t n, uint64_t seed, uint32_t keep_threshold, float scale);

/// SReLU's forward over `rows` units of `batch` samples (unit after unit).
void sprig_srelu_forward_rows(const float *x, float *y, int64_t batch, int64_t rows,
                              const float *left_threshold, const float *left_slope,
                              const float *right_threshold, const float *right_slope);

/// The rectifier over n values: y = x where x > 0, else 0 (NaN gives 0, as
/// the comparison is false).
void sprig_relu_forward(const float *x, float *y, int64_t n);

/// The rectifier's backward over n values: dx = dy where x > 0, else 0.
void sprig_relu_backward(const float *x, const float *dy, float *dx, int64_t n);

/// dst[k·n + j] = src[indices[j]·features + k]: the samples at `indices`
/// of a sample-major array, written feature-major (a batch).
void sprig_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst);

/// Σ x[0..<n] with the kernels' loads: how fast an operand streams in
/// (sprig-bench kernels' read ceiling).
float sprig_stream_sum(const float *x, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
