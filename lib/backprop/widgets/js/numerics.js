/**
 * The numbers behind the book's live explorers: the toy model, activations, losses, a dense
 * network's forward and backward passes, and gradient descent on a line fit.
 *
 * It mirrors the Python library `backprop` formula by formula (toy_model.py, activations.py,
 * losses.py, network.py, optim.py), in the same order of operations; only sums may be added
 * up in another order (here left to right; numpy pairs them, BLAS blocks them), so both sides
 * agree to about 1e-15 relative. tests/widgets/test_numerics_js.py holds them to 1e-12 on the
 * shared table tests/widgets/numerics_cases.json and on thousands of random cases.
 *
 * Plain arrays of JS numbers (float64). A matrix is an array of rows; batch-first like the
 * library: X is n×d, one sample per row. Bad shapes throw an Error that says what is wrong.
 */

// ---- checks: one clear message instead of NaN further down ---------------------------

function isVector(v) {
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}

/** Throws unless `v` is an array of finite numbers (of length `n`, when given). */
function checkVector(v, name, n) {
  if (!isVector(v)) throw new Error(`${name} must be an array of numbers`);
  if (!v.every(Number.isFinite)) throw new Error(`${name} contains NaN or infinity`);
  if (n !== undefined && v.length !== n) {
    throw new Error(`${name} must hold ${n} numbers; got ${v.length}`);
  }
  return v;
}

/** Throws unless `M` is a non-empty matrix: equally long rows of numbers (finite ones, unless
 * `finite` is false). */
function checkMatrix(M, name, finite = true) {
  if (!Array.isArray(M) || M.length === 0 || !M.every(isVector)) {
    throw new Error(`${name} must be a matrix: a non-empty array of rows of numbers`);
  }
  const cols = M[0].length;
  M.forEach((row, i) => {
    if (row.length !== cols) {
      throw new Error(`${name} has rows of different lengths: row 0 has ${cols}, row ${i} has ${row.length}`);
    }
    if (finite && !row.every(Number.isFinite)) throw new Error(`${name} contains NaN or infinity`);
  });
  return M;
}

const shape = (M) => `${M.length}×${M[0].length}`;

const has = (table, name) => Object.prototype.hasOwnProperty.call(table, name);

function known(name, kind, table) {
  return new Error(`unknown ${kind} '${name}'; known: ${Object.keys(table).sort().join(", ")}`);
}

// ---- small linear algebra (sums run left to right, as written in the formulas) --------

/** C = A B: C_ij = Σ_p A_ip B_pj. */
function matmul(A, B) {
  const n = A.length, k = B.length, m = B[0].length;
  const C = [];
  for (let i = 0; i < n; i++) {
    const row = new Array(m).fill(0);
    for (let p = 0; p < k; p++) {
      const a = A[i][p], Bp = B[p];
      for (let j = 0; j < m; j++) row[j] += a * Bp[j];
    }
    C.push(row);
  }
  return C;
}

/** C = Aᵀ B: C_pj = Σ_i A_ip B_ij. */
function matmulTA(A, B) {
  const n = A.length, k = A[0].length, m = B[0].length;
  const C = Array.from({ length: k }, () => new Array(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i][p];
      for (let j = 0; j < m; j++) C[p][j] += a * B[i][j];
    }
  }
  return C;
}

/** C = A Bᵀ: C_ip = Σ_j A_ij B_pj. */
function matmulTB(A, B) {
  return A.map((row) => B.map((Bp) => row.reduce((s, x, j) => s + x * Bp[j], 0)));
}

const sum = (v) => v.reduce((s, x) => s + x, 0);
const map2 = (A, B, fn) => A.map((row, i) => row.map((x, j) => fn(x, B[i][j])));

// ---- activations: f(z) beside f'(z) -------------------------------------------------

/**
 * Activation functions by the library's names; each works on one number.
 * `f(z)` is the function, `df(z)` its derivative f'(z), and `dfza(z, a)` (where the
 * library has one) the same derivative from the stored output a = f(z), which the
 * backward pass uses, as `Activation.derivative(z, a)` does.
 */
export const ACTIVATIONS = {
  // f(z) = z;  f'(z) = 1
  identity: { f: (z) => z, df: () => 1 },
  // ReLU(z) = max(z, 0);  ReLU'(z) = 1[z > 0] (0 at z = 0)
  relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0), dfza: (z) => (z > 0 ? 1 : 0) },
  // σ(z) = 1 / (1 + e^{-z}), as e^{z} / (1 + e^{z}) for z < 0 so exp never overflows;
  // σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)
  sigmoid: {
    f: sigmoid,
    df: (z) => {
      const s = sigmoid(z);
      return s * (1 - s);
    },
    dfza: (z, a) => a * (1 - a),
  },
  // tanh(z);  tanh'(z) = 1 − tanh²(z) = 1 − a²
  tanh: {
    f: Math.tanh,
    df: (z) => {
      const t = Math.tanh(z);
      return 1 - t * t;
    },
    dfza: (z, a) => 1 - a * a,
  },
  // sin'(z) = cos(z);  cos'(z) = −sin(z)
  sin: { f: Math.sin, df: Math.cos },
  cos: { f: Math.cos, df: (z) => -Math.sin(z) },
  // exp'(z) = e^z = a
  exp: { f: Math.exp, df: Math.exp, dfza: (z, a) => a },
};

function sigmoid(z) {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

function getActivation(name) {
  if (!has(ACTIVATIONS, name)) throw known(name, "activation", ACTIVATIONS);
  return ACTIVATIONS[name];
}

// ---- losses: L(Y, T) beside ∂L/∂Y ---------------------------------------------------

// Shapes only: like the library, a loss of an overflowed output is inf or NaN, not an error.
function checkPair(Y, T) {
  checkMatrix(Y, "Y", false);
  checkMatrix(T, "T", false);
  if (Y.length !== T.length || Y[0].length !== T[0].length) {
    throw new Error(`T has shape ${shape(T)} but Y has shape ${shape(Y)}; they must match`);
  }
}

// Σ_ij d_ij² with d = Y − T (the library's vdot(d, d)).
const sumSquares = (Y, T) =>
  sum(Y.map((row, i) => sum(row.map((y, j) => (y - T[i][j]) * (y - T[i][j])))));

/**
 * Losses by the library's names; Y (outputs) and T (targets) are n×k, row i is sample i.
 * `value(Y, T)` is L, `grad(Y, T)` is ∂L/∂Y (n×k).
 */
export const LOSSES = {
  // L = Σ_ij (y_ij − t_ij)²;  ∂L/∂y_ij = 2 (y_ij − t_ij)
  sse: {
    value: (Y, T) => (checkPair(Y, T), sumSquares(Y, T)),
    grad: (Y, T) => (checkPair(Y, T), map2(Y, T, (y, t) => 2 * (y - t))),
  },
  // L = ½ Σ_ij (y_ij − t_ij)²;  ∂L/∂y_ij = y_ij − t_ij
  half_sse: {
    value: (Y, T) => (checkPair(Y, T), 0.5 * sumSquares(Y, T)),
    grad: (Y, T) => (checkPair(Y, T), map2(Y, T, (y, t) => y - t)),
  },
  // L = (1/n) Σ_i ‖y_i − t_i‖²;  ∂L/∂y_ij = (2/n) (y_ij − t_ij)
  mse: {
    value: (Y, T) => (checkPair(Y, T), sumSquares(Y, T) / Y.length),
    grad: (Y, T) => (checkPair(Y, T), map2(Y, T, (y, t) => (2 / Y.length) * (y - t))),
  },
  // L = −(1/n) Σ_i Σ_j t_ij log p_ij with p_i = softmax(y_i);
  // ∂L/∂y_ij = (1/n) (p_ij Σ_k t_ik − t_ij)  (= (p_ij − t_ij)/n for one-hot rows)
  softmax_cross_entropy: {
    value: (Y, T) => {
      checkPair(Y, T);
      const logP = Y.map(logSoftmaxRow);
      return -sum(T.map((row, i) => sum(row.map((t, j) => t * logP[i][j])))) / Y.length;
    },
    grad: (Y, T) => {
      checkPair(Y, T);
      return Y.map((row, i) => {
        const p = softmaxRow(row), s = sum(T[i]);
        return p.map((pj, j) => (pj * s - T[i][j]) / Y.length);
      });
    },
  },
};

function getLoss(name) {
  if (!has(LOSSES, name)) throw known(name, "loss", LOSSES);
  return LOSSES[name];
}

function softmaxRow(y) {
  const m = Math.max(...y);
  const e = y.map((v) => Math.exp(v - m));
  const s = sum(e);
  return e.map((v) => v / s);
}

// log p_j = (y_j − max y) − log Σ_k e^{y_k − max y}, without overflow.
function logSoftmaxRow(y) {
  const m = Math.max(...y);
  const shifted = y.map((v) => v - m);
  const lse = Math.log(sum(shifted.map(Math.exp)));
  return shifted.map((v) => v - lse);
}

/**
 * Row-wise softmax p_ij = e^{y_ij} / Σ_k e^{y_ik}: scores to probabilities. Each row's
 * maximum is subtracted first (p is unchanged), so exp never overflows.
 * @param {number[][] | number[]} Y  n×k scores, or one row of k scores (then one row back)
 */
export function softmax(Y) {
  if (isVector(Y)) return softmaxRow(checkVector(Y, "Y"));
  return checkMatrix(Y, "Y").map(softmaxRow);
}

// ---- the toy model: f[x, φ] = β₃ + ω₃ cos(β₂ + ω₂ exp(β₁ + ω₁ sin(β₀ + ω₀ x))) ----------

const TOY_F = [Math.sin, Math.exp, Math.cos]; // h_{k+1} = g_k(f_k)
const TOY_DF = [Math.cos, Math.exp, (f) => -Math.sin(f)]; // g_k'(f_k)

function checkToy(beta, omega, x) {
  checkVector(beta, "beta", 4);
  checkVector(omega, "omega", 4);
  checkVector(x, "x");
}

/**
 * The toy model's forward pass, as `ToyModel.forward`: with h₀ = x, for k = 0..3
 * f_k = β_k + ω_k h_k, and h₁ = sin f₀, h₂ = exp f₁, h₃ = cos f₂; the output is f₃.
 * @param {number[]} beta  β₀..β₃
 * @param {number[]} omega ω₀..ω₃
 * @param {number[]} x     the inputs, one per data point (write [x] for one)
 * @returns {{f: number[][], h: number[][], x: number[]}} f[k] = f_k (4 arrays),
 *   h[k] = h_k (4 arrays, h[0] is x), each with one value per point
 */
export function toyForward(beta, omega, x) {
  checkToy(beta, omega, x);
  const h = [x.slice()], f = [];
  for (let k = 0; k < 4; k++) {
    f.push(h[k].map((hk) => beta[k] + omega[k] * hk));
    if (k < 3) h.push(f[k].map(TOY_F[k]));
  }
  return { f, h, x: h[0] };
}

/**
 * Both backward passes of the toy model, as `ToyModel.backward`, for ℓ_i = (f₃ − y_i)².
 * Pass #1: ∂ℓ/∂f₃ = 2(f₃ − y); for k = 3, 2, 1: ∂ℓ/∂h_k = ω_k ∂ℓ/∂f_k and
 * ∂ℓ/∂f_{k−1} = g'_{k−1}(f_{k−1}) ∂ℓ/∂h_k (g' = cos, exp, −sin); then ∂ℓ/∂h₀ = ω₀ ∂ℓ/∂f₀.
 * Pass #2: ∂L/∂β_k = Σ_i ∂ℓ_i/∂f_k and ∂L/∂ω_k = Σ_i h_k ∂ℓ_i/∂f_k.
 * @returns {{loss: number, dl_df: number[][], dl_dh: number[][], dl_dbeta: number[], dl_domega: number[]}}
 *   loss = L = Σ_i ℓ_i; dl_df and dl_dh have 4 arrays each (dl_dh[0] = ∂ℓ/∂x)
 */
export function toyBackward(beta, omega, trace, y) {
  checkToy(beta, omega, trace.x);
  checkVector(y, "y");
  if (y.length !== trace.x.length) {
    throw new Error(`y has ${y.length} values but x has ${trace.x.length}`);
  }
  const { f, h } = trace;
  const dl_df = new Array(4), dl_dh = new Array(4);
  dl_df[3] = f[3].map((f3, i) => 2 * (f3 - y[i]));
  for (let k = 3; k > 0; k--) {
    dl_dh[k] = dl_df[k].map((g) => omega[k] * g);
    dl_df[k - 1] = f[k - 1].map((fk, i) => TOY_DF[k - 1](fk) * dl_dh[k][i]);
  }
  dl_dh[0] = dl_df[0].map((g) => omega[0] * g);
  const dl_dbeta = dl_df.map(sum);
  const dl_domega = dl_df.map((g, k) => sum(g.map((gi, i) => h[k][i] * gi)));
  const loss = sum(f[3].map((f3, i) => (f3 - y[i]) * (f3 - y[i])));
  return { loss, dl_df, dl_dh, dl_dbeta, dl_domega };
}

/** L = Σ_i (f[x_i, φ] − y_i)², as `ToyModel.loss`. */
export function toyLoss(beta, omega, x, y) {
  const out = toyForward(beta, omega, x).f[3];
  checkVector(y, "y");
  if (y.length !== x.length) throw new Error(`y has ${y.length} values but x has ${x.length}`);
  return sum(out.map((o, i) => (o - y[i]) * (o - y[i])));
}

// ---- the dense network: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f_l(z⁽ˡ⁾) ------------------------

/**
 * @typedef {object} Net  a network, as `backprop.Network`: layer l = 1..L at index l − 1
 * @property {number[][][]} W  W[l−1] = W⁽ˡ⁾, n_in×n_out
 * @property {number[][]} b    b[l−1] = b⁽ˡ⁾, n_out numbers
 * @property {string[] | string} activations  one name per layer (or one name for all)
 */

function checkNet(net) {
  const { W, b } = net;
  if (!Array.isArray(W) || W.length === 0) {
    throw new Error("a network needs at least one layer; got no weights");
  }
  if (!Array.isArray(b) || b.length !== W.length) {
    throw new Error(`got ${W.length} weight matrices but ${Array.isArray(b) ? b.length : "no"} bias vectors`);
  }
  const acts = typeof net.activations === "string" ? W.map(() => net.activations) : net.activations;
  if (!Array.isArray(acts) || acts.length !== W.length) {
    throw new Error(`got ${W.length} layers but ${Array.isArray(acts) ? acts.length : "no"} activations`);
  }
  W.forEach((Wl, i) => {
    const l = i + 1;
    checkMatrix(Wl, `W${l}`);
    checkVector(b[i], `b${l}`);
    if (b[i].length !== Wl[0].length) {
      throw new Error(`b${l} has ${b[i].length} entries but W${l} has ${Wl[0].length} columns`);
    }
    if (l > 1 && Wl.length !== W[i - 1][0].length) {
      const cols = W[i - 1][0].length;
      throw new Error(`W${l} has ${Wl.length} rows but a${l - 1} has ${cols} columns (W${l - 1} has ${cols})`);
    }
  });
  return acts.map(getActivation);
}

/**
 * The forward pass, as `Network.forward`: for l = 1..L, z⁽ˡ⁾ = a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾ and
 * a⁽ˡ⁾ = f_l(z⁽ˡ⁾), with a⁽⁰⁾ = X.
 * @param {Net} net
 * @param {number[][]} X  n×d inputs, one sample per row
 * @returns {{a: number[][][], z: number[][][]}} a[l] = a⁽ˡ⁾ (a[0] is X), z[l−1] = z⁽ˡ⁾
 */
export function networkForward(net, X) {
  const acts = checkNet(net);
  checkMatrix(X, "X");
  if (X[0].length !== net.W[0].length) {
    throw new Error(`W1 has ${net.W[0].length} rows but X (a0) has ${X[0].length} columns`);
  }
  const a = [X], z = [];
  net.W.forEach((W, i) => {
    const zl = matmul(a[i], W).map((row) => row.map((v, j) => v + net.b[i][j]));
    z.push(zl);
    a.push(zl.map((row) => row.map(acts[i].f)));
  });
  return { a, z };
}

/**
 * Backward passes #1 and #2, as `Network.backward`. From ∂L/∂a⁽ᴸ⁾ (the loss's gradient),
 * for l = L..1:
 *   δ⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ ⊙ f_l'(z⁽ˡ⁾),
 *   ∂L/∂W⁽ˡ⁾ = (a⁽ˡ⁻¹⁾)ᵀ δ⁽ˡ⁾,  ∂L/∂b⁽ˡ⁾ = Σ_i δ⁽ˡ⁾_i  (the sum is over samples),
 *   ∂L/∂a⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ (W⁽ˡ⁾)ᵀ.
 * @param {Net} net
 * @param {{a: number[][][], z: number[][][]}} trace  from networkForward(net, X)
 * @param {number[][] | number[]} T  n×k targets (or n numbers when k = 1)
 * @param {string} [loss="mse"]  a name from LOSSES
 * @param {boolean} [inputGrad=false]  also compute da[0] = ∂L/∂X (null otherwise)
 * @returns {{loss: number, dW: number[][][], db: number[][], dz: number[][][], da: (number[][]|null)[]}}
 *   dW[l−1], db[l−1], dz[l−1] = δ⁽ˡ⁾ for layer l; da[l] = ∂L/∂a⁽ˡ⁾
 */
export function networkBackward(net, trace, T, loss = "mse", inputGrad = false) {
  const acts = checkNet(net);
  const lossFn = getLoss(loss);
  const L = net.W.length;
  if (!trace || !Array.isArray(trace.a) || trace.a.length !== L + 1) {
    throw new Error(`the trace must come from networkForward on this ${L}-layer network`);
  }
  const Y = trace.a[L];
  if (isVector(T) && Y[0].length === 1 && T.length === Y.length) T = T.map((t) => [t]);
  const dW = new Array(L), db = new Array(L), dz = new Array(L), da = new Array(L + 1).fill(null);
  let g = lossFn.grad(Y, T); // ∂L/∂a⁽ˡ⁾, from l = L down
  da[L] = g;
  for (let l = L; l > 0; l--) {
    const act = acts[l - 1], z = trace.z[l - 1], a = trace.a[l], aPrev = trace.a[l - 1];
    let d; // δ⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ ⊙ f'(z⁽ˡ⁾), f' from the stored a where the library does so
    if (act === ACTIVATIONS.identity) d = g;
    else if (act.dfza) d = g.map((row, i) => row.map((gij, j) => gij * act.dfza(z[i][j], a[i][j])));
    else d = g.map((row, i) => row.map((gij, j) => gij * act.df(z[i][j])));
    dz[l - 1] = d;
    dW[l - 1] = matmulTA(aPrev, d);
    db[l - 1] = d[0].map((_, j) => sum(d.map((row) => row[j])));
    if (l > 1 || inputGrad) {
      g = matmulTB(d, net.W[l - 1]);
      da[l - 1] = g;
    }
  }
  return { loss: lossFn.value(Y, T), dW, db, dz, da };
}

/**
 * The predicted class of each sample: argmax_j of the output row y_i = a⁽ᴸ⁾_i (the first
 * index on a tie, as numpy's argmax). For probabilities use softmax(networkForward(net, X).a[L]).
 * @returns {number[]} one class index per row of X
 */
export function predict(net, X) {
  const { a } = networkForward(net, X);
  return a[a.length - 1].map((row) => row.reduce((best, v, j) => (v > row[best] ? j : best), 0));
}

// ---- gradient descent on a line fit (chapter 5) -----------------------------------------

function checkLine(p, x, t) {
  checkVector(p, "p", 2);
  checkVector(x, "x");
  checkVector(t, "t");
  if (x.length === 0) throw new Error("x holds no data points");
  if (t.length !== x.length) throw new Error(`t has ${t.length} values but x has ${x.length}`);
}

/**
 * The mean squared error of the line y = w x + b over the points (x_i, t_i), as chapter 5's
 * `loss(p)` (a one-layer identity Network, loss "mse"): L(w, b) = (1/n) Σ_i (w x_i + b − t_i)².
 * @param {number[]} p  [w, b]
 */
export function lineLoss(p, x, t) {
  checkLine(p, x, t);
  const [w, b] = p;
  return sum(x.map((xi, i) => (xi * w + b - t[i]) * (xi * w + b - t[i]))) / x.length;
}

/**
 * ∇L = [∂L/∂w, ∂L/∂b] for lineLoss, as chapter 5's `grad(p)`: with
 * δ_i = (2/n)(w x_i + b − t_i), ∂L/∂w = Σ_i x_i δ_i and ∂L/∂b = Σ_i δ_i.
 */
export function lineGrad(p, x, t) {
  checkLine(p, x, t);
  const [w, b] = p;
  const delta = x.map((xi, i) => (2 / x.length) * (xi * w + b - t[i]));
  return [sum(x.map((xi, i) => xi * delta[i])), sum(delta)];
}

/**
 * The points of gradient descent from `start`, as `backprop.optim.descent_path`:
 * x_{n+1} = x_n − η ∇f(x_n). Returns x_0 = start, x_1, …, x_k with k ≤ steps; it stops
 * early when ‖∇f(x_n)‖ ≤ tol (x_n is the last point), or when the gradient or the next
 * point is not finite (a diverging run: the last finite point is the last).
 * @param {(x: number[]) => number[]} gradFn  ∇f, an array shaped like x
 * @param {number[]} start
 * @param {number} lr  the learning rate η > 0
 * @param {number} steps  at most this many steps (a whole number ≥ 0)
 * @param {number} [tol=0]
 * @returns {number[][]}
 */
export function descentPath(gradFn, start, lr, steps, tol = 0) {
  let x = checkVector(start, "start").slice();
  if (!Number.isFinite(lr) || lr <= 0) {
    throw new Error(`the learning rate must be a positive number; got ${lr}`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new Error(`steps must be a whole number, 0 or more; got ${steps}`);
  }
  if (!(tol >= 0)) throw new Error(`tol must be 0 or more; got ${tol}`);
  const points = [x];
  for (let s = 0; s < steps; s++) {
    const g = gradFn(x.slice());
    if (!isVector(g) || g.length !== x.length) {
      const what = isVector(g) ? `${g.length} numbers` : "no array of numbers";
      throw new Error(
        `gradFn returned ${what} for a point of ${x.length}; the gradient must have the point's shape`,
      );
    }
    if (!g.every(Number.isFinite) || Math.sqrt(sum(g.map((v) => v * v))) <= tol) break;
    const next = x.map((v, i) => v - lr * g[i]);
    if (!next.every(Number.isFinite)) break;
    x = next;
    points.push(x);
  }
  return points;
}

// numpy.linspace(lo, hi, n): lo + i·step with step = (hi − lo)/(n − 1), the last point exactly hi.
function linspace(lo, hi, n) {
  const step = (hi - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : i * step + lo));
}

/**
 * A function of two variables on an n-by-n grid, as `backprop.optim.loss_grid`:
 * P[i][j] runs over xlim along j, Q[i][j] over ylim along i, F[i][j] = fn([P[i][j], Q[i][j]]).
 * @param {(p: number[]) => number} fn
 * @param {number[]} xlim  [low, high]
 * @param {number[]} ylim  [low, high]
 * @param {number} [n=101]  points a side (≥ 2)
 * @returns {{P: number[][], Q: number[][], F: number[][]}}
 */
export function lossGrid(fn, xlim, ylim, n = 101) {
  if (!Number.isInteger(n) || n < 2) {
    throw new Error(`the grid needs n >= 2 points a side; got ${n}`);
  }
  for (const [name, lim] of [["xlim", xlim], ["ylim", ylim]]) {
    if (!isVector(lim) || lim.length !== 2 || !lim.every(Number.isFinite) || !(lim[0] < lim[1])) {
      throw new Error(`${name} must be two finite numbers (low, high); got ${JSON.stringify(lim)}`);
    }
  }
  const xs = linspace(xlim[0], xlim[1], n), ys = linspace(ylim[0], ylim[1], n);
  const P = ys.map(() => xs.slice());
  const Q = ys.map((q) => xs.map(() => q));
  const F = ys.map((q) => xs.map((p) => fn([p, q])));
  return { P, Q, F };
}
