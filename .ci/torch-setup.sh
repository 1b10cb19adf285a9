#!/usr/bin/env bash
# Installs PyTorch and ONNX (Debian's python3-torch and python3-onnx, for /usr/bin/python3) for `npm run test:torch`; does nothing when they are already there.
set -euo pipefail

if /usr/bin/python3 -c 'import onnx, torch, torch.distributed; assert torch.distributed.is_gloo_available()' 2>/dev/null \
  && [[ -x /usr/bin/torchrun ]]; then
  echo "torch-setup: $(/usr/bin/python3 -c 'import onnx, torch; print("torch", torch.__version__, "and onnx", onnx.__version__)') already installed"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends python3-torch python3-onnx
/usr/bin/python3 -c 'import onnx, torch; print("torch-setup: torch", torch.__version__, "and onnx", onnx.__version__, "installed")'
