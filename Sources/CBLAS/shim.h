// OpenBLAS's CBLAS interface (Debian's libopenblas-dev installs it as the
// multiarch cblas.h, which also declares openblas_set_num_threads).
#include <cblas.h>

// LAPACK's symmetric eigensolver, which OpenBLAS also exports (Fortran
// calling convention: every argument by address). Debian's lapacke.h
// belongs to another package; this one declaration is all Sprig needs.
// The two trailing lengths are gfortran's hidden lengths of the two
// character arguments.
#include <stddef.h>
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info, size_t jobz_length, size_t uplo_length);
