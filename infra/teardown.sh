#!/usr/bin/env bash
# Tear a stage down (docs/DEPLOY.md, "Tearing down"):
#
#   bash infra/teardown.sh STACK [--delete-retained]
#
# 1. empties the SPA bucket (CloudFormation cannot delete a bucket with objects in it);
# 2. deletes the stack and waits for it;
# 3. deletes the viewer WAF stack in us-east-1 (STACK-viewer-waf), if there is one;
# 4. names what the stack keeps on purpose (the tables with DeletionPolicy Retain: tenants,
#    users, code sets, clients, audit) and the lookup-key parameter, which is not the
#    stack's;
#    with --delete-retained, deletes those too, after a typed confirmation: every
#    user, password hash and code set of the stage is then gone for good.
#
# Needs the AWS CLI v2 with credentials for the stage's account; AWS_REGION set.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ( $# -eq 2 && "$2" != "--delete-retained" ) ]]; then
  echo "usage: $0 STACK [--delete-retained]" >&2
  exit 2
fi
STACK="$1"
DELETE_RETAINED="${2:-}"
: "${AWS_REGION:?set AWS_REGION to the region of the stage}"

output() {
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
parameter() {
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue" --output text
}

if ! aws cloudformation describe-stacks --stack-name "$STACK" >/dev/null 2>&1; then
  echo "No stack $STACK in $AWS_REGION." >&2
  exit 1
fi
BUCKET="$(output SpaBucketName)"
KEY_PARAMETER="$(parameter LookupKeyParameterName)"
# Every table of the stack; those still there after the deletion are the retained ones,
# so the list follows the template's DeletionPolicy without being written twice.
read -r -a TABLES <<<"$(aws cloudformation describe-stack-resources --stack-name "$STACK" \
  --query "StackResources[?ResourceType=='AWS::DynamoDB::Table'].PhysicalResourceId" \
  --output text)"

echo "Emptying s3://$BUCKET ..."
aws s3 rm "s3://$BUCKET" --recursive --only-show-errors

echo "Deleting the stack $STACK (CloudFront takes a while) ..."
aws cloudformation delete-stack --stack-name "$STACK"
aws cloudformation wait stack-delete-complete --stack-name "$STACK"

if aws cloudformation describe-stacks --region us-east-1 \
     --stack-name "$STACK-viewer-waf" >/dev/null 2>&1; then
  echo "Deleting the viewer WAF stack $STACK-viewer-waf in us-east-1 ..."
  aws cloudformation delete-stack --region us-east-1 --stack-name "$STACK-viewer-waf"
  aws cloudformation wait stack-delete-complete --region us-east-1 \
    --stack-name "$STACK-viewer-waf"
fi

RETAINED=()
for table in "${TABLES[@]}"; do
  if aws dynamodb describe-table --table-name "$table" >/dev/null 2>&1; then
    RETAINED+=("$table")
  fi
done
echo
echo "Kept on purpose (so that deleting a stack never deletes its users by accident):"
for table in "${RETAINED[@]}"; do echo "  DynamoDB table $table"; done
echo "  SSM parameter $KEY_PARAMETER (the lookup-tag key; made before the stack)"

if [[ "$DELETE_RETAINED" == "--delete-retained" ]]; then
  read -r -p "Type the stack name to delete these for good: " answer
  if [[ "$answer" != "$STACK" ]]; then
    echo "Not confirmed: kept." >&2
    exit 1
  fi
  for table in "${RETAINED[@]}"; do
    aws dynamodb delete-table --table-name "$table" >/dev/null
    aws dynamodb wait table-not-exists --table-name "$table"
    echo "  deleted $table"
  done
  aws ssm delete-parameter --name "$KEY_PARAMETER"
  echo "  deleted $KEY_PARAMETER"
fi
