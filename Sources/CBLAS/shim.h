// OpenBLAS's CBLAS (cblas.h is found through openblas.pc) and the reference LAPACKE,
// which calls the LAPACK that Debian's alternatives point at OpenBLAS.
#include <cblas.h>
#include <lapacke.h>
