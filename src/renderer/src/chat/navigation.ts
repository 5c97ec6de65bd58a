/** Lets chat errors that a model fixes ("this model cannot see images") open the Models screen. */
import { createContext, useContext } from 'react'

export const OpenModelsContext = createContext<() => void>(() => {})

export function useOpenModels(): () => void {
  return useContext(OpenModelsContext)
}
