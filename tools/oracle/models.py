"""Reference models in plain PyTorch, shaped like TransformerLens.

Parameter names equal TransformerLens' state_dict names, so a state dict
written by Vivarium loads here (and into TransformerLens) without renaming.

Config dicts use Vivarium's camelCase keys:
  transformer: nLayers dModel nHeads dHead dMlp dVocab dVocabOut nCtx
               act ("relu"|"gelu") layerNorm attnOnly bias
  mlp:         input ("onehot"|"embed") nInputs dVocab dEmbed depth width
               act dOut bias

Bias tensors always exist; with bias=false they are zero and frozen
(requires_grad=False).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TRANSFORMER_KEYS = (
    "nLayers", "dModel", "nHeads", "dHead", "dMlp", "dVocab", "dVocabOut",
    "nCtx", "act", "layerNorm", "attnOnly", "bias",
)
MLP_KEYS = ("input", "nInputs", "dVocab", "depth", "width", "act", "dOut", "bias")

LN_EPS = 1e-5


def activation(name, x):
    if name == "relu":
        return F.relu(x)
    if name == "gelu":
        return F.gelu(x)  # exact erf form
    raise ValueError("unknown activation %r" % name)


def _check_config(cfg, keys, what):
    missing = [k for k in keys if k not in cfg]
    if missing:
        raise ValueError("%s config is missing keys: %s" % (what, ", ".join(missing)))
    if cfg["act"] not in ("relu", "gelu"):
        raise ValueError("act must be 'relu' or 'gelu', got %r" % cfg["act"])


def _param(*shape, trainable=True):
    return nn.Parameter(torch.zeros(*shape, dtype=torch.float32), requires_grad=trainable)


def _store(cache, name, value):
    if cache is not None:
        cache[name] = value


# --------------------------------------------------------------------------
# Transformer
# --------------------------------------------------------------------------


class Embed(nn.Module):
    def __init__(self, d_vocab, d_model):
        super().__init__()
        self.W_E = _param(d_vocab, d_model)


class PosEmbed(nn.Module):
    def __init__(self, n_ctx, d_model):
        super().__init__()
        self.W_pos = _param(n_ctx, d_model)


class LayerNorm(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.w = nn.Parameter(torch.ones(d_model, dtype=torch.float32))
        self.b = _param(d_model)

    def forward(self, x):
        x = x - x.mean(-1, keepdim=True)
        scale = (x.pow(2).mean(-1, keepdim=True) + LN_EPS).sqrt()
        return x / scale * self.w + self.b


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, d, e = cfg["nHeads"], cfg["dModel"], cfg["dHead"]
        bias = bool(cfg["bias"])
        self.d_head = e
        self.W_Q = _param(h, d, e)
        self.W_K = _param(h, d, e)
        self.W_V = _param(h, d, e)
        self.W_O = _param(h, e, d)
        self.b_Q = _param(h, e, trainable=bias)
        self.b_K = _param(h, e, trainable=bias)
        self.b_V = _param(h, e, trainable=bias)
        self.b_O = _param(d, trainable=bias)
        # the two buffers TransformerLens's attention registers (persistent: in every state dict, so a strict
        # load of a checkpoint without them fails): True where key position <= query position, and the value
        # masked scores take
        n_ctx = cfg["nCtx"]
        self.register_buffer("mask", torch.tril(torch.ones((n_ctx, n_ctx)).bool()))
        self.register_buffer("IGNORE", torch.tensor(-torch.inf))

    def forward(self, x, cache=None, prefix=""):
        q = torch.einsum("bpd,hde->bphe", x, self.W_Q) + self.b_Q
        k = torch.einsum("bpd,hde->bphe", x, self.W_K) + self.b_K
        v = torch.einsum("bpd,hde->bphe", x, self.W_V) + self.b_V
        _store(cache, prefix + "hook_q", q)
        _store(cache, prefix + "hook_k", k)
        _store(cache, prefix + "hook_v", v)
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / math.sqrt(self.d_head)
        n = x.shape[1]
        scores = torch.where(self.mask[:n, :n], scores, self.IGNORE)
        _store(cache, prefix + "hook_attn_scores", scores)
        pattern = torch.softmax(scores, dim=-1)
        _store(cache, prefix + "hook_pattern", pattern)
        z = torch.einsum("bhqk,bkhe->bqhe", pattern, v)
        _store(cache, prefix + "hook_z", z)
        return torch.einsum("bqhe,hem->bqm", z, self.W_O) + self.b_O


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, m = cfg["dModel"], cfg["dMlp"]
        bias = bool(cfg["bias"])
        self.act = cfg["act"]
        self.W_in = _param(d, m)
        self.b_in = _param(m, trainable=bias)
        self.W_out = _param(m, d)
        self.b_out = _param(d, trainable=bias)

    def forward(self, x, cache=None, prefix=""):
        pre = x @ self.W_in + self.b_in
        _store(cache, prefix + "hook_pre", pre)
        post = activation(self.act, pre)
        _store(cache, prefix + "hook_post", post)
        return post @ self.W_out + self.b_out


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer_norm = bool(cfg["layerNorm"])
        self.attn_only = bool(cfg["attnOnly"])
        if self.layer_norm:
            self.ln1 = LayerNorm(cfg["dModel"])
        self.attn = Attention(cfg)
        if not self.attn_only:
            if self.layer_norm:
                self.ln2 = LayerNorm(cfg["dModel"])
            self.mlp = Mlp(cfg)

    def forward(self, resid, cache=None, prefix=""):
        _store(cache, prefix + "hook_resid_pre", resid)
        if self.layer_norm:
            x = self.ln1(resid)
            _store(cache, prefix + "ln1.hook_normalized", x)
        else:
            x = resid
        attn_out = self.attn(x, cache, prefix + "attn.")
        _store(cache, prefix + "hook_attn_out", attn_out)
        resid = resid + attn_out
        if not self.attn_only:
            _store(cache, prefix + "hook_resid_mid", resid)
            x2 = self.ln2(resid) if self.layer_norm else resid
            mlp_out = self.mlp(x2, cache, prefix + "mlp.")
            _store(cache, prefix + "hook_mlp_out", mlp_out)
            resid = resid + mlp_out
        _store(cache, prefix + "hook_resid_post", resid)
        return resid


class Unembed(nn.Module):
    def __init__(self, d_in, d_out, bias):
        super().__init__()
        self.W_U = _param(d_in, d_out)
        self.b_U = _param(d_out, trainable=bias)


class HookedTransformerRef(nn.Module):
    """A TransformerLens HookedTransformer restricted to what Vivarium builds."""

    def __init__(self, cfg):
        super().__init__()
        _check_config(cfg, TRANSFORMER_KEYS, "transformer")
        self.cfg = dict(cfg)
        self.layer_norm = bool(cfg["layerNorm"])
        self.embed = Embed(cfg["dVocab"], cfg["dModel"])
        self.pos_embed = PosEmbed(cfg["nCtx"], cfg["dModel"])
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg["nLayers"])])
        if self.layer_norm:
            self.ln_final = LayerNorm(cfg["dModel"])
        self.unembed = Unembed(cfg["dModel"], cfg["dVocabOut"], bool(cfg["bias"]))

    def forward(self, tokens, cache=None):
        """tokens: int64 [batch, pos] -> logits float32 [batch, pos, dVocabOut].

        If cache is a dict, the hook activations are stored in it under
        TransformerLens' hook names.
        """
        n = tokens.shape[1]
        if n > self.cfg["nCtx"]:
            raise ValueError("sequence length %d exceeds nCtx %d" % (n, self.cfg["nCtx"]))
        embed = self.embed.W_E[tokens]
        pos = self.pos_embed.W_pos[:n].unsqueeze(0).expand(tokens.shape[0], n, -1)
        _store(cache, "hook_embed", embed)
        _store(cache, "hook_pos_embed", pos)
        resid = embed + pos
        for l, block in enumerate(self.blocks):
            resid = block(resid, cache, "blocks.%d." % l)
        if self.layer_norm:
            resid = self.ln_final(resid)
            _store(cache, "ln_final.hook_normalized", resid)
        return resid @ self.unembed.W_U + self.unembed.b_U


def transformer_loss(logits, targets, scored_positions):
    """Mean over (example, scored position) of the float64 cross-entropy.

    logits [batch, pos, vocab] float32; targets [batch, |S|]; scored_positions [|S|].
    """
    logp = logits[:, scored_positions].to(torch.float64).log_softmax(-1)
    return -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1).mean()


# --------------------------------------------------------------------------
# MLP
# --------------------------------------------------------------------------


class MlpLayer(nn.Module):
    def __init__(self, d_in, d_out, bias):
        super().__init__()
        self.W_in = _param(d_in, d_out)
        self.b_in = _param(d_out, trainable=bias)


class MlpRef(nn.Module):
    """Multi-layer perceptron on a fixed number of input tokens."""

    def __init__(self, cfg):
        super().__init__()
        _check_config(cfg, MLP_KEYS, "mlp")
        if cfg["input"] not in ("onehot", "embed"):
            raise ValueError("input must be 'onehot' or 'embed', got %r" % cfg["input"])
        if cfg["depth"] < 1:
            raise ValueError("depth must be >= 1")
        self.cfg = dict(cfg)
        bias = bool(cfg["bias"])
        if cfg["input"] == "embed":
            self.embed = Embed(cfg["dVocab"], cfg["dEmbed"])
            d_in = cfg["nInputs"] * cfg["dEmbed"]
        else:
            d_in = cfg["nInputs"] * cfg["dVocab"]
        layers = []
        for _ in range(cfg["depth"]):
            layers.append(MlpLayer(d_in, cfg["width"], bias))
            d_in = cfg["width"]
        self.layers = nn.ModuleList(layers)
        self.unembed = Unembed(cfg["width"], cfg["dOut"], bias)

    def forward(self, tokens, cache=None):
        """tokens: int64 [batch, nInputs] -> logits float32 [batch, dOut]."""
        b = tokens.shape[0]
        if self.cfg["input"] == "embed":
            x = self.embed.W_E[tokens].reshape(b, -1)
        else:
            x = F.one_hot(tokens, self.cfg["dVocab"]).to(torch.float32).reshape(b, -1)
        for l, layer in enumerate(self.layers):
            pre = x @ layer.W_in + layer.b_in
            _store(cache, "layers.%d.hook_pre" % l, pre)
            x = activation(self.cfg["act"], pre)
            _store(cache, "layers.%d.hook_post" % l, x)
        return x @ self.unembed.W_U + self.unembed.b_U


def mlp_loss(logits, targets):
    """Mean float64 cross-entropy; logits [batch, dOut], targets [batch]."""
    logp = logits.to(torch.float64).log_softmax(-1)
    return -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1).mean()


def build(kind, cfg):
    if kind == "transformer":
        return HookedTransformerRef(cfg)
    if kind == "mlp":
        return MlpRef(cfg)
    raise ValueError("unknown model kind %r" % kind)
