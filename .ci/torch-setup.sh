#!/usr/bin/env bash
# Installs PyTorch (Debian's python3-torch, for /usr/bin/python3) for `npm run test:torch`; does nothing when it is already there.
set -euo pipefail

if /usr/bin/python3 -c 'import torch, torch.distributed; assert torch.distributed.is_gloo_available()' 2>/dev/null \
  && [[ -x /usr/bin/torchrun ]]; then
  echo "torch-setup: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)') already installed"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends python3-torch
/usr/bin/python3 -c 'import torch; print("torch-setup: torch", torch.__version__, "installed")'
